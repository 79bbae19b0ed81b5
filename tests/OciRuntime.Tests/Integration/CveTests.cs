using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// Known runtime escapes, each written as the attack. Every test fails against a runtime without the mitigation
/// (the comment of each says how), and passes against ocirun.
/// </summary>
public sealed class CveTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static IEnumerable<string> Lines(string s) => ProcessTests.Lines(s);

    private static void WaitFor(Func<bool> cond, int ms = 20_000)
    {
        var sw = Stopwatch.StartNew();
        while (!cond())
        {
            if (sw.ElapsedMilliseconds > ms) throw new TimeoutException("condition not met in time");
            Thread.Sleep(50);
        }
    }

    /// <summary>
    /// CVE-2019-5736. While the process of a created container waits for `start`, a process exec'd into the
    /// container opens /proc/1/exe (init's binary) and keeps the descriptor. After `start` the runtime's binary is
    /// no longer running, so on a runtime that enters the container from its host file, reopening the descriptor
    /// for writing succeeds: the attacker can overwrite the host's runtime. ocirun enters through a detached
    /// read-only overlayfs, so /proc/1/exe is "/ocirun" on a mount nobody can write (EROFS), or, where no overlay
    /// can be had, "/memfd:ocirun (deleted)" whose seals forbid the write. Against a runtime without the
    /// mitigation the attack appends one byte to its binary (an ELF still runs) and the hash check fails.
    /// </summary>
    [Fact]
    public void Cve_2019_5736_the_runtime_binary_cannot_be_reopened_for_writing_from_inside()
    {
        string hostBinary = RuntimeBinary.Path;
        byte[] before = SHA256.HashData(File.ReadAllBytes(hostBinary));
        var b = _s.NewBundle("sleep", "1000");
        b.Config["root"]!["readonly"] = false;
        // The attacker gets every capability init has, so the kernel's ptrace check lets it open /proc/1/exe.
        string[] caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"];
        var set = new JsonArray(caps.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = set.DeepClone(), ["effective"] = set.DeepClone(), ["permitted"] = set.DeepClone(),
        };
        b.Save();
        string id = _s.NewId();
        var create = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(create.ExitCode == 0, create.ToString());
        int initPid = (int)_s.State(id)["pid"]!;

        // From the host: init runs from the read-only overlay, which no one can open for writing.
        string exe = new FileInfo($"/proc/{initPid}/exe").LinkTarget!;
        Assert.Equal(SealedThroughOverlay, exe);
        Assert.ThrowsAny<Exception>(() =>
        {
            using var fs = new FileStream($"/proc/{initPid}/exe", FileMode.Open, FileAccess.Write);
            fs.Seek(0, SeekOrigin.End);
            fs.WriteByte(0);
            fs.Flush();
        });

        const string attack = """
            exec 3</proc/1/exe || { echo NOOPEN > /result; exit; }
            readlink /proc/1/exe > /exe-before
            echo held > /held
            i=0
            while [ "$(readlink /proc/1/exe)" = "$(cat /exe-before)" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done
            readlink /proc/self/fd/3 > /held-target
            if printf x >>/proc/self/fd/3; then echo WROTE; else echo REFUSED; fi > /result 2>&1
            """;
        var ex = _s.Oci("exec", "-d", id, "sh", "-c", attack);
        Assert.True(ex.ExitCode == 0, ex.ToString());
        WaitFor(() => File.Exists(Path.Join(b.Rootfs, "held")) || File.Exists(Path.Join(b.Rootfs, "result")));
        Assert.Equal(SealedThroughOverlay, File.ReadAllText(Path.Join(b.Rootfs, "exe-before")).Trim());

        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        WaitFor(() => File.Exists(Path.Join(b.Rootfs, "result")) && File.ReadAllText(Path.Join(b.Rootfs, "result")).Contains('D'));
        string result = File.ReadAllText(Path.Join(b.Rootfs, "result"));
        Assert.DoesNotContain("WROTE", result);
        Assert.Equal(SealedThroughOverlay, File.ReadAllText(Path.Join(b.Rootfs, "held-target")).Trim());
        Assert.Contains("REFUSED", result);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(hostBinary)));
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    /// <summary>What /proc/PID/exe of init reads when it runs through the detached overlay: the binary's name at
    /// the root of a mount that is in no mount table (never the host path).</summary>
    private static readonly string SealedThroughOverlay = "/" + Path.GetFileName(RuntimeBinary.Path);

    /// <summary>The runtime itself (the CLI of create and run, whose fork joins or makes the container) runs from
    /// the sealed image from before its .NET start: a prestart hook, spawned by it, reads its parent's exe. A runtime
    /// that only seals what it execs into the container shows its host path here (runc 1.1.5 does).</summary>
    [Theory]
    [InlineData("create")]
    [InlineData("run")]
    public void Cve_2019_5736_the_runtime_itself_runs_from_the_sealed_image(string command)
    {
        var b = _s.NewBundle("true");
        b.Config["root"]!["readonly"] = false;
        string file = Path.Join(b.Rootfs, "cli-exe");
        b.Config["hooks"] = new JsonObject
        {
            ["prestart"] = new JsonArray(new JsonObject
            {
                ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", $"readlink /proc/$PPID/exe > {file}"),
            }),
        };
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci(command, "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(SealedThroughOverlay, File.ReadAllText(file).Trim());
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    /// <summary>`exec` enters the container the same sealed way: a process exec'd with a pause before its own
    /// exec is not observable, so the exec'd process checks its parent chain instead: nothing in the container
    /// runs from a host file of the runtime (the window itself is raced by Attacks/ExecBinaryAttackTests).</summary>
    [Fact]
    public void Cve_2019_5736_no_process_of_the_container_runs_the_host_binary()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        var r = _s.Oci("exec", id, "sh", "-c", "for p in /proc/[0-9]*; do readlink $p/exe; done");
        Assert.True(r.ExitCode == 0, r.ToString());
        // The container's process, waiting at the exec FIFO, is non-dumpable until its execve: from inside, its exe
        // link is closed; from the host it names the sealed image.
        Assert.DoesNotContain(Lines(r.Stdout), l => l.Contains(Path.GetDirectoryName(RuntimeBinary.Path)!, StringComparison.Ordinal));
        int pid = (int)JsonNode.Parse(_s.Oci("state", id).Stdout)!["pid"]!;
        Assert.Equal(SealedThroughOverlay, new FileInfo($"/proc/{pid}/exe").LinkTarget);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    /// <summary>Where the overlay cannot be made (here: a --root inside the binary's own directory, layers that
    /// overlap), init still never runs from the host file: it runs from a sealed memfd copy, which refuses writes.</summary>
    [Fact]
    public void Cve_2019_5736_without_an_overlay_init_runs_from_a_sealed_copy()
    {
        string binDir = Path.Join(Path.GetDirectoryName(_s.Root)!, "bin");
        Directory.CreateDirectory(binDir);
        string binary = Path.Join(binDir, "ocirun");
        File.Copy(RuntimeBinary.Path, binary);
        string root = Path.Join(binDir, "state");
        Directory.CreateDirectory(root);
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        var create = RuntimeBinary.Run(["--root", root, "create", "--bundle", b.Dir, id], binary: binary);
        Assert.True(create.ExitCode == 0, create.ToString());
        try
        {
            var state = RuntimeBinary.Run(["--root", root, "state", id], binary: binary);
            int initPid = (int)JsonNode.Parse(state.Stdout)!["pid"]!;
            Assert.StartsWith("/memfd:ocirun", new FileInfo($"/proc/{initPid}/exe").LinkTarget!);
            Assert.ThrowsAny<Exception>(() =>
            {
                using var fs = new FileStream($"/proc/{initPid}/exe", FileMode.Open, FileAccess.Write);
                fs.Seek(0, SeekOrigin.End);
                fs.WriteByte(0);
                fs.Flush();
            });
        }
        finally { Assert.Equal(0, RuntimeBinary.Run(["--root", root, "delete", "--force", id], binary: binary).ExitCode); }
    }

    // ---- CVE-2024-21626 ----

    private string HostDir()
    {
        string dir = Path.Join(Path.GetDirectoryName(_s.Root)!, "hostdir");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Join(dir, "HOST-MARKER"), "host");
        return dir;
    }

    /// <summary>The caller of ocirun holds descriptors 5, 7 (a host directory) and 9 without close-on-exec, as a
    /// careless supervisor would: none of them may reach the container (a runtime that passes them on fails).</summary>
    [Fact]
    public void Cve_2024_21626_descriptors_of_the_caller_do_not_reach_the_container()
    {
        string host = HostDir();
        var b = _s.NewBundle().Shell("ls /proc/self/fd; ls -l /proc/self/fd/ | grep -c HOST || true");
        b.Save();
        var r = Launcher.Run($"exec 5</etc/hostname 7<'{host}' 9>>'{host}/w';", [RuntimeBinary.Path, "--root", _s.Root, "run", "--bundle", b.Dir, _s.NewId()]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["0", "1", "2", "3", "0"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Cve_2024_21626_preserved_descriptors_pass_and_nothing_else()
    {
        string host = HostDir();
        var b = _s.NewBundle().Shell("ls /proc/self/fd");
        b.Save();
        var r = Launcher.Run($"exec 3</etc/hostname 4</etc/hostname 7<'{host}';",
            [RuntimeBinary.Path, "--root", _s.Root, "run", "--preserve-fds", "2", "--bundle", b.Dir, _s.NewId()]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["0", "1", "2", "3", "4", "5"], Lines(r.Stdout).ToArray());
    }

    /// <summary>A created container's init waits for `start` with the container's processes able to reach its
    /// /proc/1/fd: a host directory the caller leaked to ocirun must not be among init's descriptors (a runtime
    /// that lets it through hands `exec`'d processes the host's filesystem via /proc/1/fd/7).</summary>
    [Fact]
    public void Cve_2024_21626_a_waiting_init_holds_no_descriptor_of_the_caller()
    {
        string host = HostDir();
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        var r = Launcher.Run($"exec 7<'{host}' 8<'{host}/HOST-MARKER';", [RuntimeBinary.Path, "--root", _s.Root, "create", "--bundle", b.Dir, id]);
        Assert.True(r.ExitCode == 0, r.ToString());
        int pid = (int)_s.State(id)["pid"]!;
        var targets = Directory.GetFiles($"/proc/{pid}/fd").Select(f => new FileInfo(f).LinkTarget ?? "").ToList();
        Assert.DoesNotContain(targets, t => t.StartsWith(host, StringComparison.Ordinal));
        var inside = _s.Oci("exec", id, "sh", "-c", "ls /proc/1/fd/7/ /proc/1/fd/8 2>&1; true");
        Assert.DoesNotContain("HOST-MARKER", inside.Stdout);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    /// <summary>process.cwd "/proc/self/fd/7" while the caller holds 7 open on a host directory: a runtime that
    /// lets the descriptor reach init starts the process with its working directory on the host (it lists
    /// HOST-MARKER). ocirun must refuse, naming process.cwd.</summary>
    [Fact]
    public void Cve_2024_21626_cwd_through_a_leaked_descriptor_does_not_escape()
    {
        string host = HostDir();
        var b = _s.NewBundle().Shell("pwd; ls");
        b.Process["cwd"] = "/proc/self/fd/7";
        b.Save();
        var r = Launcher.Run($"exec 7<'{host}';", [RuntimeBinary.Path, "--root", _s.Root, "run", "--bundle", b.Dir, _s.NewId()]);
        Assert.DoesNotContain("HOST-MARKER", r.Stdout);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.cwd", r.Stderr);
    }

    /// <summary>The same with the descriptor passed on purpose (--preserve-fds): init has it, the chdir succeeds,
    /// and only the check that the working directory lies inside the root stops the escape.</summary>
    [Fact]
    public void Cve_2024_21626_cwd_outside_the_root_is_refused_even_through_a_preserved_descriptor()
    {
        string host = HostDir();
        var b = _s.NewBundle().Shell("pwd; ls");
        b.Process["cwd"] = "/proc/self/fd/7";
        b.Save();
        var r = Launcher.Run($"exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7<'{host}';",
            [RuntimeBinary.Path, "--root", _s.Root, "run", "--preserve-fds", "5", "--bundle", b.Dir, _s.NewId()]);
        Assert.DoesNotContain("HOST-MARKER", r.Stdout);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.cwd", r.Stderr);
    }

    [Fact]
    public void Cve_2024_21626_exec_with_cwd_through_a_leaked_descriptor_does_not_escape()
    {
        string host = HostDir();
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        var r = Launcher.Run($"exec 7<'{host}';", [RuntimeBinary.Path, "--root", _s.Root, "exec", "--cwd", "/proc/self/fd/7", id, "sh", "-c", "pwd; ls"]);
        Assert.DoesNotContain("HOST-MARKER", r.Stdout);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("cwd", r.Stderr);
    }

    // ---- CVE-2021-30465 (masks; the mount side is in the rootfs tests) ----

    /// <summary>A masked path reached through a symlinked directory is resolved inside the container's root: the
    /// file it names there is hidden, and a mask whose symlink climbs out with ../ stays inside the rootfs (it does
    /// not cover, or expose, the host file it points at).</summary>
    [Fact]
    public void Cve_2021_30465_masked_paths_through_symlinks_stay_inside_the_root()
    {
        string host = HostDir();
        var b = _s.NewBundle().Shell("cat /secretdir/file; echo; cat /etc/link/file; echo; cat /escape 2>&1 | grep -c host || true");
        Directory.CreateDirectory(Path.Join(b.Rootfs, "secretdir"));
        File.WriteAllText(Path.Join(b.Rootfs, "secretdir", "file"), "secret");
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "etc", "link"), "/secretdir");
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "escape"), "../../../../../../../../.." + host + "/HOST-MARKER");
        var masked = b.Linux["maskedPaths"]!.AsArray();
        masked.Add("/etc/link/file");
        masked.Add("/escape");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["0"], Lines(r.Stdout).ToArray()); // both reads of the secret are empty; the host file unseen
        Assert.Equal("secret", File.ReadAllText(Path.Join(b.Rootfs, "secretdir", "file")));
        Assert.Equal("host", File.ReadAllText(Path.Join(host, "HOST-MARKER")));
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(host, StringComparison.Ordinal));
    }

    // ---- /proc writes that reach the host ----

    [Fact]
    public void Default_spec_makes_proc_sys_and_sysrq_trigger_read_only()
    {
        // Writes the value already there (so a runtime without the protection changes nothing), and 'h' to
        // sysrq-trigger (help only): both must fail with EROFS even for root with CAP_SYS_ADMIN.
        var b = _s.NewBundle().Shell(
            "v=$(cat /proc/sys/kernel/printk_ratelimit); echo $v > /proc/sys/kernel/printk_ratelimit && echo SYS-WRITTEN; " +
            "echo h > /proc/sysrq-trigger && echo SYSRQ-WRITTEN; grep -E ' /proc/(sys|sysrq-trigger) ' /proc/self/mountinfo | cut -d' ' -f5,6");
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = new JsonArray("CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"), ["effective"] = new JsonArray("CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"),
            ["permitted"] = new JsonArray("CAP_SYS_ADMIN", "CAP_DAC_OVERRIDE"),
        };
        var r = _s.Run(b);
        Assert.DoesNotContain("WRITTEN", r.Stdout);
        Assert.Contains("Read-only file system", r.Stderr);
        var mounts = Lines(r.Stdout).ToArray();
        Assert.Contains(mounts, l => l.StartsWith("/proc/sys ro", StringComparison.Ordinal));
        // This VM's kernel has no magic SysRq (no /proc/sysrq-trigger); where it has one, it must be read-only too.
        if (File.Exists("/proc/sysrq-trigger"))
            Assert.Contains(mounts, l => l.StartsWith("/proc/sysrq-trigger ro", StringComparison.Ordinal));
    }
}

/// <summary>Runs a command line through /bin/sh after a prefix script (open descriptors, then exec), with stdout and
/// stderr in files (a container may keep inherited pipes open). The files are world-writable so another user may
/// write them.</summary>
internal static class Launcher
{
    public static RunResult Run(string prefix, IReadOnlyList<string> argv, IDictionary<string, string>? env = null, int timeoutMs = 30_000)
    {
        string outFile = Path.GetTempFileName(), errFile = Path.GetTempFileName();
        File.SetUnixFileMode(outFile, (UnixFileMode)0x1b6);
        File.SetUnixFileMode(errFile, (UnixFileMode)0x1b6);
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(prefix + " exec \"$0\" \"$@\" >\"$OCIRUN_TEST_OUT\" 2>\"$OCIRUN_TEST_ERR\"");
            foreach (var a in argv) psi.ArgumentList.Add(a);
            psi.Environment["OCIRUN_TEST_OUT"] = outFile;
            psi.Environment["OCIRUN_TEST_ERR"] = errFile;
            if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            if (!p.WaitForExit(timeoutMs))
            {
                p.Kill(true);
                throw new TimeoutException($"{string.Join(' ', argv)} did not finish in {timeoutMs} ms");
            }
            return new RunResult(p.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }
}
