using System.Diagnostics;
using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>
/// config.md mounts: one case per mount type and option group, each observed from inside
/// the container through /proc/self/mountinfo (type, per-mount and super options,
/// propagation fields) or through behaviour (a write that fails, an exec that fails).
/// </summary>
public class MountOptionTests
{
    const string ConfigMd = "config.md";

    const string Options = "**`options`** (array of strings, OPTIONAL) Mount options of the filesystem to be used.";
    const string Type = "**`type`** (string, OPTIONAL) The type of the filesystem to be mounted.";
    const string Source = "**`source`** (string, OPTIONAL) A device name, but can also be a file or directory name for bind mounts or a dummy.";
    const string Destination = "**`destination`** (string, REQUIRED) Destination of mount point: path inside container.";
    const string OptionTable = "Runtimes MUST/SHOULD/MAY implement the following option strings for Linux:";
    const string UnknownOptions = "Runtimes SHOULD treat unknown options as filesystem-specific ones and pass those as a comma-separated string to the fifth (`const void *data`) argument of mount(2).";

    static string TryWrite(string path) => $"(echo x > {path}) 2>/dev/null && echo WROTE || echo DENIED";

    /// <summary>Replaces the default config's mount at <paramref name="destination"/>, keeping its place in the list.</summary>
    static void ReplaceMount(TestContainer c, string destination, string type, string source, params string[] options)
    {
        var mounts = c.Bundle.Mounts;
        int i = mounts.Select((m, i) => ((string?)m!["destination"], i)).Single(x => x.Item1 == destination).i;
        mounts[i] = new JsonObject
        {
            ["destination"] = destination,
            ["type"] = type,
            ["source"] = source,
            ["options"] = new JsonArray(options.Select(o => (JsonNode)JsonValue.Create(o)!).ToArray()),
        };
    }

    /// <summary>The optional fields (shared:N, master:N, ...) of the topmost mount at a mount point.</summary>
    static string[] OptionalFields(string mountinfo, string mountPoint)
    {
        string[]? found = null;
        foreach (var line in mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            int sep = Array.IndexOf(fields, "-");
            if (sep < 6 || fields[4].Replace("\\040", " ") != mountPoint) continue;
            found = fields[6..sep];
        }
        return found ?? throw new Xunit.Sdk.XunitException($"{mountPoint} is not a mount point:\n{mountinfo}");
    }

    static void Sh(string command)
    {
        var psi = new ProcessStartInfo("sh", ["-c", command]) { RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"host command `{command}` failed: {err}");
    }

    /// <summary>A tmpfs mounted on the host (under a bundle dir) for the length of a case.</summary>
    sealed class HostTmpfs : IDisposable
    {
        readonly string _path;
        public HostTmpfs(string path, bool shared = false)
        {
            _path = path;
            Directory.CreateDirectory(path);
            Sh($"mount -t tmpfs -o size=1m,mode=755 ocirun-test '{path}'" + (shared ? $" && mount --make-shared '{path}'" : ""));
        }
        public void Dispose()
        {
            try { Sh($"umount -l '{_path}'"); } catch (Exception) { }
        }
    }

    [Fact]
    [Spec(ConfigMd, Source)]
    [Spec(ConfigMd, Destination)]
    public void Bind_Directory_DestinationCreatedAsDirectory()
    {
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        File.WriteAllText(Path.Combine(host, "hello"), "from-host");
        // /mnt/newdir does not exist in the rootfs: the runtime creates it, as a directory.
        c.Bundle.AddMount("/mnt/newdir", "bind", host, "bind");
        c.Bundle.Shell("test -d /mnt/newdir && echo DIR; cat /mnt/newdir/hello; echo; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("DIR", lines[0]);
        Assert.Equal("from-host", lines[1]);
        MountInfo.Find(output, "/mnt/newdir");
    }

    [Fact]
    [Spec(ConfigMd, Source)]
    [Spec(ConfigMd, Destination)]
    public void Bind_File_DestinationCreatedAsFile()
    {
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        string file = Path.Combine(host, "file.conf");
        File.WriteAllText(file, "file-from-host");
        // /etc/bound.conf does not exist: the runtime creates a file (not a directory) to bind onto.
        c.Bundle.AddMount("/etc/bound.conf", "bind", file, "bind");
        c.Bundle.Shell("test -f /etc/bound.conf && echo FILE; cat /etc/bound.conf; echo; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("FILE", lines[0]);
        Assert.Equal("file-from-host", lines[1]);
        MountInfo.Find(output, "/etc/bound.conf");
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    [Spec(ConfigMd, Options)]
    public void Rbind_BringsSubmountAlong_BindDoesNot()
    {
        // The option table: `bind` is mount(8)'s --bind (the top mount only), `rbind` its
        // --rbind (with every submount).
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        using var sub = new HostTmpfs(Path.Combine(host, "sub"));
        File.WriteAllText(Path.Combine(host, "sub", "inner"), "in-submount");
        c.Bundle.AddMount("/mnt/r", "bind", host, "rbind");
        c.Bundle.AddMount("/mnt/b", "bind", host, "bind");
        c.Bundle.Shell("cat /mnt/r/sub/inner; echo; ls -A /mnt/b/sub; echo END; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("in-submount", lines[0]);
        Assert.Equal("END", lines[1]);
        Assert.Equal("tmpfs", MountInfo.Find(output, "/mnt/r/sub").FsType);
        Assert.DoesNotContain(MountInfo.Parse(output), m => m.MountPoint == "/mnt/b/sub");
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    [Spec(ConfigMd, Options)]
    public void Bind_ReadOnly_WritesFail()
    {
        // `ro` on a plain (non-recursive) bind: a bind mount ignores MS_RDONLY on the first
        // mount(2), so the runtime has to remount it; a runtime that forgets is caught here.
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        File.WriteAllText(Path.Combine(host, "existing"), "old");
        c.Bundle.AddMount("/mnt/ro", "bind", host, "bind", "ro");
        c.Bundle.Shell($"{TryWrite("/mnt/ro/new")}; {TryWrite("/mnt/ro/existing")}; (mkdir /mnt/ro/d 2>/dev/null && echo WROTE || echo DENIED); cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal(["DENIED", "DENIED", "DENIED"], lines[..3]);
        Assert.Contains("ro", MountInfo.Find(output, "/mnt/ro").MountOptions);
        Assert.False(File.Exists(Path.Combine(host, "new")));
        Assert.Equal("old", File.ReadAllText(Path.Combine(host, "existing")));
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, OptionTable)]
    public void Tmpfs_SizeModeNosuidNodevNoexec_ExecFails()
    {
        using var c = new TestContainer();
        c.Bundle.AddMount("/mnt/t", "tmpfs", "tmpfs", "nosuid", "nodev", "noexec", "size=2m", "mode=1750");
        // A copy of busybox on the noexec tmpfs must not run; the same binary in the rootfs does.
        c.Bundle.Shell("cp /bin/busybox /mnt/t/bb && (/mnt/t/bb true 2>/dev/null && echo RAN || echo NOEXEC); cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        Assert.Equal("NOEXEC", output.Split('\n')[0]);
        var m = MountInfo.Find(output, "/mnt/t");
        Assert.Equal("tmpfs", m.FsType);
        Assert.Contains("nosuid", m.MountOptions);
        Assert.Contains("nodev", m.MountOptions);
        Assert.Contains("noexec", m.MountOptions);
        Assert.Contains("size=2048k", m.SuperOptions);
        Assert.Contains("mode=1750", m.SuperOptions);
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, OptionTable)]
    public void Proc_NosuidNoexecNodev_IsTheContainersPidNamespace()
    {
        using var c = new TestContainer();
        ReplaceMount(c, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        c.Bundle.Shell("cat /proc/self/mountinfo; echo PID1=$(tr '\\0' ' ' < /proc/1/cmdline)");
        string output = Probe.RunOk(c);
        var m = MountInfo.Find(output, "/proc");
        Assert.Equal("proc", m.FsType);
        Assert.Contains("nosuid", m.MountOptions);
        Assert.Contains("nodev", m.MountOptions);
        Assert.Contains("noexec", m.MountOptions);
        // pid 1 in that proc is this container's shell: the proc belongs to its pid namespace.
        Assert.Contains("PID1=sh -c", output);
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, OptionTable)]
    public void Sysfs_ReadOnly()
    {
        using var c = new TestContainer();
        ReplaceMount(c, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        c.Bundle.Shell($"{TryWrite("/sys/kernel/uevent_helper")}; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        Assert.Equal("DENIED", output.Split('\n')[0]);
        var m = MountInfo.Find(output, "/sys");
        Assert.Equal("sysfs", m.FsType);
        Assert.Contains("ro", m.MountOptions);
        Assert.Contains("nosuid", m.MountOptions);
        Assert.Contains("nodev", m.MountOptions);
        Assert.Contains("noexec", m.MountOptions);
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, UnknownOptions)]
    public void Devpts_NewinstancePtmxmode()
    {
        // newinstance: a devpts of the container's own, holding no host pty; ptmxmode and
        // mode/gid are devpts data, visible as super options.
        using var c = new TestContainer();
        ReplaceMount(c, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0640", "mode=0620", "gid=5");
        c.Bundle.Shell("ls -A /dev/pts | tr '\\n' ' '; echo; stat -c %a /dev/pts/ptmx; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("ptmx", lines[0].Trim());
        Assert.Equal("640", lines[1]);
        var m = MountInfo.Find(output, "/dev/pts");
        Assert.Equal("devpts", m.FsType);
        Assert.Contains("nosuid", m.MountOptions);
        Assert.Contains("noexec", m.MountOptions);
        Assert.Contains("ptmxmode=640", m.SuperOptions);
        Assert.Contains("mode=620", m.SuperOptions);
        Assert.Contains("gid=5", m.SuperOptions);
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, OptionTable)]
    public void Mqueue_Mounted()
    {
        using var c = new TestContainer();
        ReplaceMount(c, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        c.Bundle.Args("cat", "/proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var m = MountInfo.Find(output, "/dev/mqueue");
        Assert.Equal("mqueue", m.FsType);
        Assert.Contains("nosuid", m.MountOptions);
        Assert.Contains("nodev", m.MountOptions);
        Assert.Contains("noexec", m.MountOptions);
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, OptionTable)]
    [Trait("KnownFailure", "runc")]
    [Trait("KnownFailure", "crun")]
    public void Cgroup_ReadOnly()
    {
        // On a cgroup v1 (or hybrid, as here) host the runtime builds /sys/fs/cgroup from a
        // tmpfs and one cgroup mount per hierarchy; on v2 it is one cgroup2 mount. The
        // config asks for `ro` at /sys/fs/cgroup, so every mount there must be read-only.
        // runc 1.1.5 and crun 1.8.1 make the hierarchies ro but leave the tmpfs itself rw
        // (runc chmods it 0555, which stops only a root without CAP_DAC_OVERRIDE; crun
        // leaves it writable outright). The process here holds CAP_DAC_OVERRIDE, as
        // Docker's default set does, so a mode trick does not stand in for `ro`.
        using var c = new TestContainer();
        foreach (var set in new[] { "bounding", "effective", "permitted" })
            c.Bundle.Process["capabilities"]![set]!.AsArray().Add("CAP_DAC_OVERRIDE");
        ReplaceMount(c, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        c.Bundle.Shell("(mkdir /sys/fs/cgroup/x 2>/dev/null && echo WROTE || echo DENIED); cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        Assert.Equal("DENIED", output.Split('\n')[0]);
        var under = MountInfo.Parse(output)
            .Where(m => m.MountPoint == "/sys/fs/cgroup" || m.MountPoint.StartsWith("/sys/fs/cgroup/", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(under, m => m.FsType is "cgroup" or "cgroup2");
        Assert.All(under, m => Assert.True(m.MountOptions.Contains("ro"), $"{m.MountPoint} is not ro:\n{output}"));
    }

    [Fact]
    [Spec(ConfigMd, Type)]
    [Spec(ConfigMd, UnknownOptions)]
    public void Overlay_WritesLandInUpperdir()
    {
        using var c = new TestContainer();
        string lower = c.Bundle.MakeHostDir("lower");
        string upper = c.Bundle.MakeHostDir("upper");
        string work = c.Bundle.MakeHostDir("work");
        File.WriteAllText(Path.Combine(lower, "base"), "from-lower");
        c.Bundle.AddMount("/mnt/ov", "overlay", "overlay", $"lowerdir={lower}", $"upperdir={upper}", $"workdir={work}");
        c.Bundle.Shell("cat /mnt/ov/base; echo; echo new > /mnt/ov/added && echo changed > /mnt/ov/base && echo OK; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("from-lower", lines[0]);
        Assert.Equal("OK", lines[1]);
        Assert.Equal("overlay", MountInfo.Find(output, "/mnt/ov").FsType);
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(upper, "added")));
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(upper, "base")));
        Assert.Equal("from-lower", File.ReadAllText(Path.Combine(lower, "base")));
        Assert.False(File.Exists(Path.Combine(lower, "added")));
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    public void AtimeFamily_NoatimeNodiratimeStrictatimeRelatime()
    {
        using var c = new TestContainer();
        c.Bundle.AddMount("/mnt/noatime", "tmpfs", "tmpfs", "noatime");
        c.Bundle.AddMount("/mnt/nodiratime", "tmpfs", "tmpfs", "nodiratime");
        c.Bundle.AddMount("/mnt/strictatime", "tmpfs", "tmpfs", "strictatime");
        c.Bundle.AddMount("/mnt/relatime", "tmpfs", "tmpfs", "relatime");
        c.Bundle.Args("cat", "/proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var noatime = MountInfo.Find(output, "/mnt/noatime").MountOptions;
        Assert.Contains("noatime", noatime);
        Assert.DoesNotContain("relatime", noatime);
        Assert.Contains("nodiratime", MountInfo.Find(output, "/mnt/nodiratime").MountOptions);
        // strictatime shows as the absence of both relatime and noatime.
        var strict = MountInfo.Find(output, "/mnt/strictatime").MountOptions;
        Assert.DoesNotContain("relatime", strict);
        Assert.DoesNotContain("noatime", strict);
        var rel = MountInfo.Find(output, "/mnt/relatime").MountOptions;
        Assert.Contains("relatime", rel);
        Assert.DoesNotContain("noatime", rel);
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    public void Rro_SubmountIsReadOnlyToo()
    {
        // The option table lists `rro` (recursive read-only: mount_setattr(2) with
        // AT_RECURSIVE, Linux 5.12+). A plain `ro` bind leaves the submount writable, so an
        // `ro` volume with a writable submount would leak writes to the host; `rro` must
        // not. (runc 1.1.5 already implements it: it passes here.)
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        using var sub = new HostTmpfs(Path.Combine(host, "sub"));
        c.Bundle.AddMount("/mnt/rro", "bind", host, "rbind", "rro");
        c.Bundle.Shell($"{TryWrite("/mnt/rro/top")}; {TryWrite("/mnt/rro/sub/inner")}; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        var lines = output.Split('\n');
        Assert.Equal("DENIED", lines[0]);
        Assert.Equal("DENIED", lines[1]);
        Assert.Contains("ro", MountInfo.Find(output, "/mnt/rro").MountOptions);
        Assert.Contains("ro", MountInfo.Find(output, "/mnt/rro/sub").MountOptions);
        Assert.False(File.Exists(Path.Combine(host, "sub", "inner")));
    }

    /// <summary>
    /// Runs a container with one bind of a host tmpfs that is shared on the host, with the
    /// given propagation option, and returns the bind's optional mountinfo fields.
    /// rootfsPropagation is pinned to slave rather than left to the runtime's default
    /// (runc: rslave, crun: private), so the container's copy of the source is a slave of
    /// the host's peer group before the option is applied.
    /// </summary>
    static string[] BindPropagation(string option, out string mountinfo)
    {
        using var c = new TestContainer();
        string host = c.Bundle.MakeHostDir("hostdir");
        string source = Path.Combine(host, "src");
        using var src = new HostTmpfs(source, shared: true);
        c.Bundle.Linux["rootfsPropagation"] = "slave";
        c.Bundle.AddMount("/mnt/p", "bind", source, "rbind", option);
        c.Bundle.Args("cat", "/proc/self/mountinfo");
        mountinfo = Probe.RunOk(c);
        return OptionalFields(mountinfo, "/mnt/p");
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    public void Propagation_Rprivate_NoPeerNoMaster()
    {
        var fields = BindPropagation("rprivate", out string mountinfo);
        Assert.True(fields.Length == 0, $"rprivate bind has [{string.Join(' ', fields)}]:\n{mountinfo}");
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    [Trait("KnownFailure", "crun")]
    public void Propagation_Rslave_KeepsMasterNotShared()
    {
        // crun fails this here for a reason of the suite's own: on this hybrid cgroup host
        // crun runs under `unshare -m` (OCIRUN_WRAP_UNSHARE), whose default propagation
        // makes the host's shared source private before crun starts, so there is no master
        // left to keep (rshared, which needs no host peer group, passes on crun). The case
        // checks mount(8)'s --make-rslave: a slave of the source's peer group, not a peer
        // itself; an rslave treated as rprivate fails it.
        var fields = BindPropagation("rslave", out string mountinfo);
        Assert.True(fields.Any(f => f.StartsWith("master:")) && !fields.Any(f => f.StartsWith("shared:")),
            $"rslave bind has [{string.Join(' ', fields)}]:\n{mountinfo}");
    }

    [Fact]
    [Spec(ConfigMd, OptionTable)]
    public void Propagation_Rshared_HasPeerGroup()
    {
        var fields = BindPropagation("rshared", out string mountinfo);
        Assert.True(fields.Any(f => f.StartsWith("shared:")), $"rshared bind has [{string.Join(' ', fields)}]:\n{mountinfo}");
    }

    [Fact]
    [Spec(ConfigMd, UnknownOptions)]
    public void UnknownOption_PassedAsFilesystemData()
    {
        using var c = new TestContainer();
        c.Bundle.AddMount("/mnt/t", "tmpfs", "tmpfs", "nosuid", "nr_inodes=100", "size=1m");
        c.Bundle.Args("cat", "/proc/self/mountinfo");
        var m = MountInfo.Find(Probe.RunOk(c), "/mnt/t");
        Assert.Contains("nr_inodes=100", m.SuperOptions);
        Assert.Contains("nosuid", m.MountOptions);
    }

    [Fact]
    [Spec(ConfigMd, "The runtime MUST mount entries in the listed order.")]
    public void SameDestination_LaterMountWins()
    {
        using var c = new TestContainer();
        string first = c.Bundle.MakeHostDir("first");
        string second = c.Bundle.MakeHostDir("second");
        File.WriteAllText(Path.Combine(first, "who"), "first");
        File.WriteAllText(Path.Combine(second, "who"), "second");
        c.Bundle.AddMount("/mnt/x", "bind", first, "bind");
        c.Bundle.AddMount("/mnt/x", "bind", second, "bind", "ro");
        c.Bundle.AddMount("/mnt/y", "tmpfs", "tmpfs", "size=1m");
        c.Bundle.AddMount("/mnt/y", "tmpfs", "tmpfs", "size=2m");
        c.Bundle.Shell("cat /mnt/x/who; echo; cat /proc/self/mountinfo");
        string output = Probe.RunOk(c);
        Assert.Equal("second", output.Split('\n')[0]);
        Assert.Contains("ro", MountInfo.Find(output, "/mnt/x").MountOptions);
        Assert.Contains("size=2048k", MountInfo.Find(output, "/mnt/y").SuperOptions);
    }
}
