namespace Engines.Tests.Support;

/// <summary>
/// A busybox root filesystem as a tar file, made once per test run: the image every engine imports (no registry is
/// reachable here). `podman import` and `docker import` take it as it is; containerd gets it wrapped in an OCI image
/// layout.
/// </summary>
public static class BusyboxTarball
{
    private static readonly Lazy<string> Tar = new(Build);

    public static string Path => Tar.Value;

    private static string Build()
    {
        string dir = Paths.TempDir("image");
        string rootfs = System.IO.Path.Join(dir, "rootfs");
        foreach (var d in new[] { "bin", "etc", "proc", "sys", "dev", "tmp", "root" })
            Directory.CreateDirectory(System.IO.Path.Join(rootfs, d));
        File.Copy("/bin/busybox", System.IO.Path.Join(rootfs, "bin", "busybox"));
        foreach (var applet in Cmd.Ok("/bin/busybox", ["--list"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (applet != "busybox") File.CreateSymbolicLink(System.IO.Path.Join(rootfs, "bin", applet), "busybox");
        File.WriteAllText(System.IO.Path.Join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
        File.WriteAllText(System.IO.Path.Join(rootfs, "etc", "group"), "root:x:0:\nnobody:x:65534:\n");
        string tar = System.IO.Path.Join(dir, "busybox.tar");
        // Fixed owner and time so the layer digest is the same on every run.
        Cmd.Ok("tar", ["--owner=0", "--group=0", "--numeric-owner", "--mtime=2026-01-01", "--sort=name", "-C", rootfs, "-cf", tar, "."]);
        Directory.Delete(rootfs, true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return tar;
    }
}
