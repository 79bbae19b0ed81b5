using System.Text.Json;
using OciRuntime.Interop;

namespace OciRuntime.State;

/// <summary>
/// The --root directory: one 0700 directory per container holding state.json, config.json and exec.fifo.
/// Writes are atomic (temp file, fsync, rename); commands that change a container hold its lock.
/// </summary>
internal sealed class StateStore(string root)
{
    internal const string StateFile = "state.json", ConfigFile = "config.json", FifoFile = "exec.fifo";
    public string Root { get; } = root;

    public string DirOf(string id) => Path.Join(Root, id);

    /// <summary>Container ids are file names: letters, digits, '_', '-', '.' (not "." or ".."), at most 1024 bytes.</summary>
    internal static void ValidateId(string id)
    {
        if (id.Length == 0) throw new RuntimeError("container id: must not be empty");
        if (id.Length > 1024) throw new RuntimeError($"container id: longer than 1024 characters ({id.Length})");
        if (id is "." or ".." or Security.SeccompCache.DirName) throw new RuntimeError($"container id \"{id}\": invalid");
        foreach (char c in id)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                throw new RuntimeError($"container id \"{Truncate(id)}\": invalid character '{c}' (allowed: A-Z a-z 0-9 _ . -)");
    }

    private static string Truncate(string s) => s.Length > 64 ? s[..64] + "..." : s;

    /// <summary>Creates the container's directory; fails if the id is taken. Returns the held lock.</summary>
    public ContainerLock CreateNew(string id)
    {
        EnsureRoot();
        string dir = DirOf(id);
        long r;
        unsafe
        {
            fixed (byte* p = CString.Of(dir)) r = Sys.Fast(Nr.mkdir, (long)p, 0x1c0);
        }
        if (r == -Errno.EEXIST) throw new RuntimeError($"container \"{id}\" already exists");
        Sys.Check(r, $"mkdir {dir}");
        return ContainerLock.Acquire(dir, id);
    }

    public ContainerLock Lock(string id)
    {
        if (!Directory.Exists(DirOf(id))) throw new ContainerNotFound(id);
        var l = ContainerLock.Acquire(DirOf(id), id);
        // It may have been deleted while we waited for the lock.
        if (!File.Exists(Path.Join(DirOf(id), StateFile)) && !Directory.Exists(DirOf(id)))
        {
            l.Dispose();
            throw new ContainerNotFound(id);
        }
        return l;
    }

    private void EnsureRoot() => MakeRoot(Root);

    /// <summary>Makes <paramref name="root"/> 0700 if it is missing: the one way --root comes to exist, whoever
    /// needs it first (the state store, the binary's overlay, the seccomp cache).</summary>
    internal static void MakeRoot(string root)
    {
        // CreateDirectory gives the mode to the last directory only: --root is made on its own.
        if (!Directory.Exists(root)) Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public bool Exists(string id) => Directory.Exists(DirOf(id));

    /// <summary>The root opened for a pass over every container (list): each container's files are then reached
    /// by two path components, not by the whole root path again. -1 (and absolute paths) if it cannot be opened.</summary>
    public int OpenRoot()
    {
        long fd = Sys.OpenAt(Sys.AT_FDCWD, Root, Sys.O_PATH | Sys.O_DIRECTORY);
        return fd < 0 ? -1 : (int)fd;
    }

    /// <summary>The path of a container's <paramref name="file"/>, relative to <paramref name="rootFd"/> when that
    /// is an <see cref="OpenRoot"/> descriptor, else absolute.</summary>
    public string PathOf(string id, string file, int rootFd) => rootFd >= 0 ? id + "/" + file : Path.Join(Root, id, file);

    public ContainerRecord Load(string id, int rootFd = -1)
    {
        // list reads every container's state: one stack buffer and three system calls for the usual small file.
        Span<byte> small = stackalloc byte[8192];
        long n = Sys.ReadSmallFile(rootFd >= 0 ? rootFd : Sys.AT_FDCWD,
            CString.Into(PathOf(id, StateFile, rootFd), stackalloc byte[CString.StackSize]), small);
        string file = Path.Join(DirOf(id), StateFile);
        if (n == -Errno.ENOENT || n == -Errno.ENOTDIR) throw new ContainerNotFound(id);
        scoped ReadOnlySpan<byte> bytes;
        if (n >= 0 && n < small.Length) bytes = small[..(int)n];
        else
        {
            // Larger (annotations) or an unusual error: the framework's read, with its exceptions.
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new ContainerNotFound(id); }
        }
        try
        {
            return ContainerRecordJson.Read(bytes) ?? throw new DamagedState(id, $"{file} is damaged: null");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new DamagedState(id, $"{file} is damaged: {e.Message.Split('\n')[0]}");
        }
    }

    public void Save(ContainerRecord record) =>
        WriteAtomic(Path.Join(DirOf(record.Id), StateFile), ContainerRecordJson.Write(record));

    internal static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1, false))
        {
            fs.Write(content);
            fs.Flush(true);
        }
        File.Move(tmp, path, true);
    }

    public IEnumerable<string> ListIds()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var d in Directory.EnumerateDirectories(Root))
            if (Path.GetFileName(d) is var name && name != Security.SeccompCache.DirName) yield return name;
    }

    /// <summary>Removes the container's directory and everything in it.</summary>
    public void Remove(string id)
    {
        string dir = DirOf(id);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
    }
}

/// <summary>state.json exists but cannot be read.</summary>
internal sealed class DamagedState(string id, string message) : RuntimeError(message)
{
    public string Id { get; } = id;
}
