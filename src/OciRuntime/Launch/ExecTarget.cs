using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>The user process to execve: args[0] looked up in the container's PATH, as execvp would.</summary>
internal sealed record ExecTarget(string Path, IReadOnlyList<string> Argv, IReadOnlyList<string> Env)
{
    internal const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private const int X_OK = 1;

    /// <summary>Resolves inside the current root (call after pivot_root).</summary>
    internal static ExecTarget Resolve(IReadOnlyList<string> args, IReadOnlyList<string> env, string? cwd)
    {
        string name = args[0];
        if (name.Contains('/'))
        {
            string p = name.StartsWith('/') || string.IsNullOrEmpty(cwd) ? name : System.IO.Path.Join(cwd, name);
            Check(p, name);
            return new ExecTarget(name, args, env);
        }
        string pathVar = env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? DefaultPath;
        foreach (var dir in pathVar.Split(':'))
        {
            string candidate = System.IO.Path.Join(dir.Length == 0 ? "." : dir, name);
            if (Sys.TryAccess(candidate, X_OK) == 0 && !Directory.Exists(candidate)) return new ExecTarget(candidate, args, env);
        }
        throw new RuntimeError($"process.args[0]: exec: \"{name}\": executable file not found in $PATH");
    }

    private static void Check(string path, string name)
    {
        long r = Sys.TryAccess(path, X_OK);
        if (r < 0) throw new RuntimeError($"process.args[0]: exec: \"{name}\": {ErrnoText((int)-r)}");
        // execve says EACCES for a directory, and so does runc (Go's LookPath).
        if (Directory.Exists(path)) throw new RuntimeError($"process.args[0]: exec: \"{name}\": {ErrnoText(Errno.EACCES)}");
    }

    /// <summary>
    /// An errno as runc words it (Go's text: strerror in lower case). docker's client picks the exit code of a
    /// failed `run` from these words, case-sensitively: "no such file or directory" 127, "permission denied" 126.
    /// </summary>
    internal static string ErrnoText(int errno)
    {
        string s = SyscallException.Describe(errno);
        return s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;
    }

    /// <summary>execve; returns only on failure, with -errno.</summary>
    internal unsafe long Exec()
    {
        byte*[] argv = new byte*[Argv.Count + 1];
        byte*[] envp = new byte*[Env.Count + 1];
        var pins = new List<System.Runtime.InteropServices.GCHandle>();
        byte* Pin(string s)
        {
            var h = System.Runtime.InteropServices.GCHandle.Alloc(CString.Of(s), System.Runtime.InteropServices.GCHandleType.Pinned);
            pins.Add(h);
            return (byte*)h.AddrOfPinnedObject();
        }
        for (int i = 0; i < Argv.Count; i++) argv[i] = Pin(Argv[i]);
        for (int i = 0; i < Env.Count; i++) envp[i] = Pin(Env[i]);
        fixed (byte** a = argv) fixed (byte** e = envp)
        {
            long r = Sys.Fast(Nr.execve, (long)Pin(Path), (long)a, (long)e);
            foreach (var h in pins) h.Free();
            return r;
        }
    }
}
