using System.Diagnostics;

namespace Conformance.Bundle;

/// <summary>
/// Builds the busybox rootfs once per test run and copies it into each bundle.
/// Copying a 2 MB binary plus a few hundred symlinks is cheap; asking busybox for its
/// applet list in every case is not.
/// </summary>
public static class RootfsCache
{
    const string BusyboxSource = "/bin/busybox";

    static readonly Lazy<string> Template = new(BuildTemplate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static readonly UnixFileMode Mode755 = (UnixFileMode)Convert.ToInt32("755", 8);
    static readonly UnixFileMode Mode1777 = (UnixFileMode)Convert.ToInt32("1777", 8);
    static readonly UnixFileMode Mode644 = (UnixFileMode)Convert.ToInt32("644", 8);

    /// <summary>Copies the cached rootfs into <paramref name="destination"/> (created if missing).</summary>
    public static void CopyTo(string destination) => CopyTree(Template.Value, destination);

    static string BuildTemplate()
    {
        if (!File.Exists(BusyboxSource))
            throw new InvalidOperationException($"{BusyboxSource} is missing: install the busybox-static package");

        string root = Directory.CreateTempSubdirectory("ocirun-test-rootfs-template-").FullName;
        File.SetUnixFileMode(root, Mode755);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        };

        foreach (var dir in new[] { "bin", "etc", "dev", "proc", "sys", "root", "mnt", "var", "run", "home" })
            Dir(Path.Combine(root, dir), Mode755);
        Dir(Path.Combine(root, "tmp"), Mode1777);

        string bin = Path.Combine(root, "bin");
        File.Copy(BusyboxSource, Path.Combine(bin, "busybox"));
        File.SetUnixFileMode(Path.Combine(bin, "busybox"), Mode755);
        foreach (var applet in Applets())
        {
            // `busybox --list` names busybox itself; a link by that name would replace
            // the binary with a link to itself.
            if (applet == "busybox") continue;
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        // Named users and groups let `id` print names, and cases use these ids.
        WriteFile(Path.Combine(root, "etc", "passwd"),
            "root:x:0:0:root:/root:/bin/sh\n" +
            "daemon:x:1:1:daemon:/:/bin/false\n" +
            "tester:x:1000:1000:tester:/home:/bin/sh\n" +
            "nobody:x:65534:65534:nobody:/:/bin/false\n");
        WriteFile(Path.Combine(root, "etc", "group"),
            "root:x:0:\n" + "daemon:x:1:\n" + "wheel:x:10:\n" + "dialout:x:20:\n" +
            "tty:x:5:\n" + "tester:x:1000:\n" + "nogroup:x:65534:\n");
        WriteFile(Path.Combine(root, "etc", "hosts"), "127.0.0.1 localhost\n");
        return root;
    }

    static IEnumerable<string> Applets()
    {
        var psi = new ProcessStartInfo(BusyboxSource, "--list") { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("busybox --list failed");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    static void CopyTree(string source, string destination)
    {
        Dir(destination, File.GetUnixFileMode(source));
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            string target = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo)
                CopyTree(entry.FullName, target);
            else
            {
                File.Copy(entry.FullName, target);
                File.SetUnixFileMode(target, entry.UnixFileMode);
            }
        }
    }

    static void Dir(string path, UnixFileMode mode)
    {
        Directory.CreateDirectory(path);
        // Set explicitly: the process umask would otherwise strip the sticky or other bits.
        File.SetUnixFileMode(path, mode);
    }

    static void WriteFile(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, Mode644);
    }
}
