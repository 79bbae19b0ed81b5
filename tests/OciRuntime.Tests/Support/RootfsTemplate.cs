namespace OciRuntime.Tests.Support;

/// <summary>A busybox rootfs built once per test run and copied (as hard links where possible) into each bundle.</summary>
public static class RootfsTemplate
{
    private static readonly Lazy<string> Template = new(Build);

    public static string Dir => Template.Value;

    private static string Build()
    {
        string dir = System.IO.Path.Join(System.IO.Path.GetTempPath(), $"ocirun-test-rootfs-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        foreach (var d in new[] { "bin", "etc", "proc", "sys", "dev", "tmp", "root", "home/user" })
            Directory.CreateDirectory(System.IO.Path.Join(dir, d));
        File.Copy("/bin/busybox", System.IO.Path.Join(dir, "bin", "busybox"));
        var list = Exec.Capture("/bin/busybox", "--list");
        foreach (var applet in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (applet != "busybox") File.CreateSymbolicLink(System.IO.Path.Join(dir, "bin", applet), "busybox");
        File.WriteAllText(System.IO.Path.Join(dir, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n");
        File.WriteAllText(System.IO.Path.Join(dir, "etc", "group"), "root:x:0:\nuser:x:1000:\n");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch { } };
        return dir;
    }

    public static void CopyTo(string target)
    {
        Exec.Capture("cp", "-a", Dir, target);
    }
}

public static class Exec
{
    public static string Capture(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd();
        string e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {e}");
        return o;
    }
}
