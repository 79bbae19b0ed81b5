using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// A running container whose process is <see cref="ProcSpinner"/>, holding CAP_SYS_PTRACE and no user namespace:
/// the setting in which non-dumpable alone does not keep it out of /proc/[pid] of a process that joins it.
/// The runtime is driven through a COPY of the binary under test, so that an attack that succeeds corrupts the
/// copy, not the build, and the copy's hash says whether it did.
/// </summary>
internal sealed class SpinnerContainer
{
    private readonly Sandbox _s;
    public string Id { get; }
    public Bundle Bundle { get; }
    public string Binary { get; }
    public byte[] HashBefore { get; }

    private SpinnerContainer(Sandbox s, string id, Bundle bundle, string binary)
    {
        _s = s; Id = id; Bundle = bundle; Binary = binary;
        HashBefore = SHA256.HashData(File.ReadAllBytes(binary));
    }

    /// <summary>Starts the spinner; null (with the reason) when clang is missing.</summary>
    public static SpinnerContainer Start(Sandbox s, out string? skipReason)
    {
        skipReason = null;
        string work = Path.GetDirectoryName(s.Root)!;
        string binDir = Path.Join(work, "bin");
        Directory.CreateDirectory(binDir);
        string copy = Path.Join(binDir, Path.GetFileName(RuntimeBinary.Path));
        File.Copy(RuntimeBinary.Path, copy);
        File.SetUnixFileMode(copy, (UnixFileMode)0x1ed);

        var b = s.NewBundle("/spin", "300");
        if (ProcSpinner.BuildInto(b.Rootfs) is null) { skipReason = "clang is not installed (the spinner is compiled by the test)"; return null!; }
        b.Config["root"]!["readonly"] = false;
        string[] caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_PTRACE"];
        var set = new JsonArray(caps.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = set.DeepClone(), ["effective"] = set.DeepClone(), ["permitted"] = set.DeepClone(),
        };
        Assert.DoesNotContain(b.Linux["namespaces"]!.AsArray(), n => (string?)n!["type"] == "user");
        b.Save();
        string id = s.NewId();
        var c = new SpinnerContainer(s, id, b, copy);
        var run = c.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        Wait(() => File.Exists(Path.Join(b.Rootfs, "ready")), "the spinner to start");
        return c;
    }

    public RunResult Oci(params string[] args) => RuntimeBinary.Run(["--root", _s.Root, .. args], binary: Binary);

    /// <summary>Stops the spinner and reads its report.</summary>
    public ProcSpinner.Report Stop()
    {
        File.WriteAllText(Path.Join(Bundle.Rootfs, "stop"), "");
        string result = Path.Join(Bundle.Rootfs, "result");
        Wait(() => File.Exists(result), "the spinner's report");
        return ProcSpinner.Report.Parse(File.ReadAllText(result));
    }

    public bool BinaryUnchanged() => SHA256.HashData(File.ReadAllBytes(Binary)).AsSpan().SequenceEqual(HashBefore);

    public void Delete() => Oci("delete", "--force", Id);

    private static void Wait(Func<bool> cond, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!cond())
        {
            if (sw.ElapsedMilliseconds > 60_000) throw new TimeoutException($"waited a minute for {what}");
            Thread.Sleep(20);
        }
    }
}
