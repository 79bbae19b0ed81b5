using System.Text.Json.Nodes;
using Conformance.Bundle;
using Conformance.Support;

namespace Conformance.Runtime;

/// <summary>
/// One container of one case: its id (prefix ocirun-test-), its own --root, its bundle
/// and the files its commands write their output to. Dispose removes it whatever state it
/// is in (`delete --force`), then its directories and any cgroup left behind, so a
/// failing case does not leak into the next one.
/// </summary>
public sealed class TestContainer : IDisposable
{
    readonly TempDir _work = new("work");

    public string Id { get; } = "ocirun-test-" + Guid.NewGuid().ToString("N")[..12];
    public BundleBuilder Bundle { get; } = new();
    public string Root { get; }
    public string IoDir { get; }

    public TestContainer()
    {
        Root = Directory.CreateDirectory(Path.Combine(_work.Path, "root")).FullName;
        IoDir = Directory.CreateDirectory(Path.Combine(_work.Path, "io")).FullName;
        Bundle.Linux["cgroupsPath"] = CgroupsPath;
    }

    public string CgroupsPath => "/" + Id;

    /// <summary>A file path in this case's scratch dir (for --pid-file, --log ...).</summary>
    public string WorkFile(string name) => Path.Combine(_work.Path, name);

    public CommandResult Invoke(params string[] args) => RuntimeUnderTest.Invoke(Root, IoDir, args);

    public CommandResult InvokeWithGlobals(string[] globalArgs, params string[] args) =>
        RuntimeUnderTest.Invoke(Root, IoDir, args, globalArgs);

    // Commands started in the background (`run` without waiting); Dispose reaps them.
    readonly List<RuntimeProcess> _background = [];

    public RuntimeProcess StartInvoke(params string[] args)
    {
        var p = RuntimeUnderTest.Start(Root, IoDir, args);
        _background.Add(p);
        return p;
    }

    /// <summary>`create --bundle B id`, writing the config first.</summary>
    public CommandResult Create(params string[] extraArgs)
    {
        Bundle.Write();
        return Invoke(["create", .. extraArgs, "--bundle", Bundle.Path, Id]);
    }

    /// <summary>`run --bundle B id`: the process's stdout and exit code come back in the result.</summary>
    public CommandResult Run(params string[] extraArgs)
    {
        Bundle.Write();
        return Invoke(["run", .. extraArgs, "--bundle", Bundle.Path, Id]);
    }

    /// <summary>Like <see cref="Run"/> but returns at once, for cases that act on the container meanwhile.</summary>
    public RuntimeProcess StartRun()
    {
        Bundle.Write();
        return StartInvoke("run", "--bundle", Bundle.Path, Id);
    }

    public CommandResult Start() => Invoke("start", Id);

    /// <summary>Create that must work: a failure fails the case with the runtime's own words.</summary>
    public void MustCreate(params string[] extraArgs)
    {
        var r = Create(extraArgs);
        Assert.True(r.Succeeded, $"create failed: {r}");
    }

    public void MustStart()
    {
        var r = Start();
        Assert.True(r.Succeeded, $"start failed: {r}");
    }
    public CommandResult State() => Invoke("state", Id);
    public CommandResult Kill(string? signal = null) => signal == null ? Invoke("kill", Id) : Invoke("kill", Id, signal);
    public CommandResult Delete(bool force = false) => force ? Invoke("delete", "--force", Id) : Invoke("delete", Id);

    /// <summary>The parsed output of `state`; fails the case when state fails.</summary>
    public JsonObject StateJson()
    {
        var r = State();
        Assert.True(r.Succeeded, $"state failed: {r}");
        return JsonNode.Parse(r.Stdout)?.AsObject() ?? throw new Xunit.Sdk.XunitException($"state printed no JSON: {r}");
    }

    public string? Status()
    {
        var r = State();
        return r.Succeeded ? (string?)JsonNode.Parse(r.Stdout)?["status"] : null;
    }

    /// <summary>Polls `state` until the status is <paramref name="status"/> or the time is up.</summary>
    public bool WaitForStatus(string status, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        do
        {
            if (Status() == status) return true;
            Thread.Sleep(50);
        } while (DateTime.UtcNow < deadline);
        return false;
    }

    public void Dispose()
    {
        try { RuntimeUnderTest.Invoke(Root, IoDir, ["delete", "--force", Id], timeout: TimeSpan.FromSeconds(10)); }
        catch (Exception) { /* binary missing or already gone: nothing to clean */ }
        // A `run` whose case failed early is still waiting on its container: after the
        // forced delete it should exit by itself; if not, it is killed.
        foreach (var p in _background) p.Wait(TimeSpan.FromSeconds(5));
        RemoveLeftoverCgroups();
        Bundle.Dispose();
        _work.Dispose();
    }

    void RemoveLeftoverCgroups()
    {
        // rmdir of an empty cgroup removes it; one with processes stays and says so by
        // throwing, which is not this case's business any more.
        foreach (var hierarchy in SafeDirs("/sys/fs/cgroup"))
        {
            string dir = Path.Combine(hierarchy, Id);
            if (!Directory.Exists(dir)) continue;
            try { Directory.Delete(dir); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static IEnumerable<string> SafeDirs(string path)
    {
        try { return Directory.GetDirectories(path); }
        catch (IOException) { return []; }
    }
}
