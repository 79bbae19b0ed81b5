using OciRuntime.Tests.Support;
using System.Text.Json.Nodes;

namespace OciRuntime.Tests.Integration;

/// <summary>What the container's process sees, read from inside a real container.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void Process_is_pid_1_in_its_own_pid_namespace()
    {
        var r = _s.Run(_s.NewBundle().Shell("echo $$; cat /proc/1/cmdline | tr '\\0' ' '"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["1", "sh -c echo $$; cat /proc/1/cmdline | tr '\\0' ' '"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Hostname_and_domainname_come_from_the_config()
    {
        var b = _s.NewBundle().Shell("hostname; cat /proc/sys/kernel/domainname");
        b.Config["hostname"] = "box-one";
        b.Config["domainname"] = "example.test";
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["box-one", "example.test"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Env_cwd_user_and_umask_are_applied()
    {
        var b = _s.NewBundle().Shell("echo $FOO; pwd; id -u; id -g; id -G; umask");
        b.Process["env"] = new JsonArray("PATH=/bin", "FOO=bar baz");
        b.Process["cwd"] = "/tmp";
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(5, 7), ["umask"] = 0x3f };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["bar baz", "/tmp", "1000", "1000", "1000 5 7", "0077"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Args_are_found_through_the_containers_PATH()
    {
        var b = _s.NewBundle("echo", "found");
        b.Process["env"] = new JsonArray("PATH=/nowhere:/bin");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("found\n", r.Stdout);
    }

    [Fact]
    public void Missing_executable_fails_create_with_the_name()
    {
        var r = _s.Run(_s.NewBundle("no-such-binary"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-binary", r.Stderr);
        Assert.Contains("process.args[0]", r.Stderr);
    }

    // runc's (Go's) lower-case errno text: docker's client maps "no such file or directory" to exit 127 and
    // "permission denied" to 126 by matching these words case-sensitively; a directory is EACCES, as for execve.
    [Theory]
    [InlineData("/no/such/file", "no such file or directory")]
    [InlineData("/etc/passwd", "permission denied")]
    [InlineData("/bin", "permission denied")]
    public void A_path_that_cannot_run_fails_create_in_runc_s_words(string path, string why)
    {
        var r = _s.Run(_s.NewBundle(path));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"process.args[0]: exec: \"{path}\": {why}", r.Stderr);
    }

    /// <summary>An executable the kernel refuses only at execve (after `start` opened the gate): the words name the
    /// path PATH lookup found inside the container, which only the container's process knows.</summary>
    [Theory]
    [InlineData("#!/ocirun-test-no-interpreter\n", "no such file or directory")]
    [InlineData("\u007fELF-not-really", "exec format error")]
    public void An_executable_execve_refuses_fails_start_naming_the_path_found_in_path(string content, string why)
    {
        var b = _s.NewBundle("ocirun-test-refused");
        b.Process["env"] = new System.Text.Json.Nodes.JsonArray("PATH=/ocirun-test-none:/bin");
        string file = Path.Join(b.Rootfs, "bin", "ocirun-test-refused");
        File.WriteAllText(file, content);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"process.args[0]: exec /bin/ocirun-test-refused: {why}", r.Stderr);
    }

    [Fact]
    public void Default_capabilities_match_the_config_and_nothing_more()
    {
        var r = _s.Run(_s.NewBundle().Shell("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; grep NoNewPrivs /proc/self/status"));
        Assert.True(r.ExitCode == 0, r.ToString());
        // ocirun spec's defaults (runc's): AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10). Ambient raises need
        // the capability in the inheritable set too, which the default leaves empty: runc skips them, so do we.
        var lines = Lines(r.Stdout).ToDictionary(l => l.Split(':')[0], l => l.Split(':')[1].Trim());
        Assert.Equal("0000000020000420", lines["CapBnd"]);
        Assert.Equal("0000000020000420", lines["CapEff"]);
        Assert.Equal("0000000020000420", lines["CapPrm"]);
        Assert.Equal("0000000000000000", lines["CapInh"]);
        Assert.Equal("0000000000000000", lines["CapAmb"]);
        Assert.Equal("1", lines["NoNewPrivs"]);
    }

    [Fact]
    public void A_user_namespace_maps_ids_as_configured()
    {
        var b = _s.NewBundle().Shell("cat /proc/self/uid_map /proc/self/gid_map; id -u");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
        b.Linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        b.Linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        // A rootfs owned by host root is "nobody" inside; the process still runs as mapped root.
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 100000 65536", "0 100000 65536", "0"], lines);
    }

    [Fact]
    public void A_time_namespace_applies_the_boottime_offset()
    {
        var b = _s.NewBundle().Shell("echo $$; cut -d. -f1 /proc/uptime");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
        b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 864000, ["nanosecs"] = 0 } };
        double hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).ToArray();
        // The time namespace applies to children only, so init forks once more and is still pid 1.
        Assert.Equal("1", lines[0]);
        Assert.InRange(long.Parse(lines[1]) - (long)hostUptime, 864000 - 5, 864000 + 60);
    }

    [Fact]
    public void Exec_joins_the_time_namespace_with_its_offsets_and_does_not_write_them_again()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "time" });
        b.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 864000, ["nanosecs"] = 0 } };
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        double hostUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var r = _s.Oci("exec", id, "cut", "-d.", "-f1", "/proc/uptime");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.InRange(long.Parse(r.Stdout.Trim()) - (long)hostUptime, 864000 - 5, 864000 + 60);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    [Fact]
    public void Joined_namespaces_are_shared_with_another_container()
    {
        var first = _s.NewBundle("sleep", "1000");
        first.Config["hostname"] = "shared-uts";
        first.Save();
        string firstId = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", first.Dir, firstId).ExitCode);
        int pid = (int)_s.State(firstId)["pid"]!;
        var second = _s.NewBundle().Shell("hostname; readlink /proc/self/ns/net");
        second.Config.Remove("hostname");
        second.Linux["namespaces"] = new JsonArray(
            new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "pid" },
            new JsonObject { ["type"] = "uts", ["path"] = $"/proc/{pid}/ns/uts" },
            new JsonObject { ["type"] = "network", ["path"] = $"/proc/{pid}/ns/net" });
        var r = _s.Run(second);
        Assert.True(r.ExitCode == 0, r.ToString());
        string hostNet = new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;
        Assert.Equal(["shared-uts", hostNet], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Without_a_mount_namespace_the_process_runs_chrooted_even_with_no_proc()
    {
        // No mount namespace: no mounts are possible, so the rootfs has no /proc; init reopens the exec FIFO
        // through the host's /proc, held from before the chroot.
        var b = _s.NewBundle().Shell("echo in-chroot; ls /proc | wc -l");
        b.Config.Remove("mounts");
        b.Linux.Remove("maskedPaths");
        b.Linux.Remove("readonlyPaths");
        b.Linux["namespaces"] = new JsonArray(new JsonObject { ["type"] = "pid" }, new JsonObject { ["type"] = "ipc" });
        b.Config.Remove("hostname");
        // A read-only root needs a mount namespace (it would remount the host's directory): refused, tested elsewhere.
        b.Config["root"]!["readonly"] = false;
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["in-chroot", "0"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Exit_code_of_run_is_the_containers()
    {
        Assert.Equal(7, _s.Run(_s.NewBundle().Shell("exit 7")).ExitCode);
    }

    [Fact]
    public void Run_of_a_process_killed_by_a_signal_returns_128_plus_the_signal()
    {
        // Pid 1 of a pid namespace cannot be killed from inside: the signal comes from the host.
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        var run = Task.Run(() => _s.Oci("run", "--bundle", b.Dir, id));
        LifecycleTests.WaitFor(() => _s.Oci("state", id) is { ExitCode: 0 } st && st.Stdout.Contains("\"running\""));
        Assert.Equal(0, _s.Oci("kill", id, "9").ExitCode);
        Assert.Equal(128 + 9, run.Result.ExitCode);
    }

    [Fact]
    public void Stdin_is_passed_through_when_terminal_is_false()
    {
        var b = _s.NewBundle("cat");
        b.Save();
        var r = _s.OciWithStdin("hello from stdin\n", "run", "--bundle", b.Dir, _s.NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hello from stdin\n", r.Stdout);
    }

    [Fact]
    public void Only_stdio_reaches_the_container()
    {
        var r = _s.Run(_s.NewBundle().Shell("ls /proc/self/fd"));
        Assert.True(r.ExitCode == 0, r.ToString());
        // 0-2, and the descriptor ls itself opened for the listing.
        Assert.Equal(["0", "1", "2", "3"], Lines(r.Stdout).ToArray());
    }

    internal static IEnumerable<string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim());
}
