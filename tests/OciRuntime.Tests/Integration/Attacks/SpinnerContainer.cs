using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>How the attacking container is set up: its capabilities and whether it has a user namespace.</summary>
/// <param name="Ptrace">CAP_SYS_PTRACE on top of the default set (AUDIT_WRITE, KILL, NET_BIND_SERVICE): the setting
/// in which non-dumpable alone does not keep it out of /proc/[pid] of a process that joins it.</param>
/// <param name="UserNamespace">A user namespace mapping the container's ids 0-65535 to the host's 100000-165535
/// (the runtime still runs as the host's root).</param>
internal sealed record Attacker(bool Ptrace, bool UserNamespace)
{
    public static readonly Attacker PtraceNoUserNamespace = new(Ptrace: true, UserNamespace: false);
    public const uint MappedRoot = 100000, MappedSize = 65536;

    public override string ToString() => $"{(Ptrace ? "CAP_SYS_PTRACE" : "default caps")}, {(UserNamespace ? "user namespace" : "no user namespace")}";
}

/// <summary>
/// A running container whose process is <see cref="ProcSpinner"/>, set up as <see cref="Attacker"/> says.
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
    public Attacker Attacker { get; }

    private SpinnerContainer(Sandbox s, string id, Bundle bundle, string binary, Attacker attacker)
    {
        _s = s; Id = id; Bundle = bundle; Binary = binary; Attacker = attacker;
        HashBefore = SHA256.HashData(File.ReadAllBytes(binary));
    }

    /// <summary>Starts a CAP_SYS_PTRACE spinner without a user namespace; null (with the reason) when clang is missing.</summary>
    public static SpinnerContainer Start(Sandbox s, out string? skipReason) => Start(s, Attacker.PtraceNoUserNamespace, out skipReason);

    /// <summary>Starts the spinner; null (with the reason) when clang is missing.</summary>
    public static SpinnerContainer Start(Sandbox s, Attacker attacker, out string? skipReason)
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
        string[] caps = attacker.Ptrace
            ? ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_PTRACE"]
            : ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
        var set = new JsonArray(caps.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = set.DeepClone(), ["effective"] = set.DeepClone(), ["permitted"] = set.DeepClone(),
        };
        Assert.DoesNotContain(b.Linux["namespaces"]!.AsArray(), n => (string?)n!["type"] == "user");
        if (attacker.UserNamespace)
        {
            b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
            foreach (var key in new[] { "uidMappings", "gidMappings" })
                b.Linux[key] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = Attacker.MappedRoot, ["size"] = Attacker.MappedSize });
            // The spinner writes /ready and /result at the top of its rootfs: the mapped root must own that directory.
            Exec.Capture("chown", $"{Attacker.MappedRoot}:{Attacker.MappedRoot}", b.Rootfs);
        }
        b.Save();
        string id = s.NewId();
        var c = new SpinnerContainer(s, id, b, copy, attacker);
        var run = c.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        Wait(() => File.Exists(Path.Join(b.Rootfs, "ready")), "the spinner to start");
        return c;
    }

    /// <summary>The spinner's pid on the host, from the runtime's state.</summary>
    public int Pid()
    {
        var st = Oci("state", Id);
        Assert.True(st.ExitCode == 0, st.ToString());
        return (int)JsonNode.Parse(st.Stdout)!["pid"]!;
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
