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

    /// <summary>rwx------ (0700), written as bits, owner/group/other: the root and every entry.</summary>
    private const int DirMode = 0b111_000_000;

    /// <summary>Creates the container's directory; fails if the id is taken. Returns the held lock.</summary>
    public ContainerLock CreateNew(string id)
    {
        EnsureRoot();
        string dir = DirOf(id);
        long r;
        unsafe
        {
            fixed (byte* p = CString.Of(dir)) r = Sys.Fast(Nr.mkdir, (long)p, DirMode);
        }
        if (r == -Errno.EEXIST) throw new RuntimeError($"container \"{id}\" already exists{WhyTaken(id)}");
        Sys.Check(r, $"mkdir {dir}");
        var l = ContainerLock.Acquire(dir, id);
        if (l.IsAt(dir)) return l;
        // A delete took the lock first (it sees an entry without state.json) and removed the directory we made.
        l.Dispose();
        throw new RuntimeError($"container \"{id}\": its new state entry {dir} was removed by a concurrent delete");
    }

    /// <summary>The id is held by a wreck rather than a container: say so, and what removes it.</summary>
    private string WhyTaken(string id) => KindOf(id) switch
    {
        EntryKind.NotDirectory => $" (state entry {DirOf(id)} is not a directory (damaged); `delete --force {id}` removes it)",
        EntryKind.Directory when !File.Exists(Path.Join(DirOf(id), StateFile)) =>
            $" (state entry {DirOf(id)} has no state.json (an interrupted create); `delete {id}` removes it)",
        _ => "",
    };

    /// <summary>Locks the container's directory. The lock is taken on the directory now at the path: one that
    /// was removed (or replaced by a new create of the same id) while we waited is not the container any more.</summary>
    public ContainerLock Lock(string id)
    {
        for (int attempt = 0; ; attempt++)
        {
            RequireDirectory(id);
            var l = ContainerLock.Acquire(DirOf(id), id);
            if (l.IsAt(DirOf(id))) return l;
            l.Dispose();
            if (attempt == 10) throw new ContainerNotFound(id);
        }
    }

    /// <summary>What is at &lt;root&gt;/&lt;id&gt;, asked of the entry itself (a symlink is not followed).</summary>
    public EntryKind KindOf(string id)
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, DirOf(id), Sys.O_PATH | Sys.O_NOFOLLOW);
        if (fd == -Errno.ENOENT || fd == -Errno.ENOTDIR) return EntryKind.Missing;
        using var entry = OwnedFd.Check(fd, $"open {DirOf(id)}");
        var st = Sys.StatFd(entry.Fd, out int errno) ?? throw new SyscallException($"statx {DirOf(id)}", errno);
        return st.Type == Sys.S_IFDIR ? EntryKind.Directory : EntryKind.NotDirectory;
    }

    /// <summary>Throws unless &lt;root&gt;/&lt;id&gt; is a directory: not found when nothing is there, damaged when
    /// something else is.</summary>
    private void RequireDirectory(string id)
    {
        switch (KindOf(id))
        {
            case EntryKind.Missing: throw new ContainerNotFound(id);
            case EntryKind.NotDirectory: throw DamagedState.NotDirectory(id, DirOf(id));
        }
    }

    /// <summary>The root for a new container: made if missing, and an unusable one said in one line (a rootless
    /// caller's /run/user/UID may not exist).</summary>
    private void EnsureRoot()
    {
        try { MakeRoot(Root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string hint = Security.Rootless.Active ? " (set XDG_RUNTIME_DIR to a directory of yours, or pass --root)" : "";
            throw RuntimeError.FromIo("--root", $"cannot create {Root} as uid {Sys.GetEuid()}{hint}", e);
        }
    }

    /// <summary>Makes <paramref name="root"/> 0700 if it is missing: the one way --root comes to exist, whoever
    /// needs it first (the state store, the binary's overlay, the seccomp cache).</summary>
    internal static void MakeRoot(string root)
    {
        // CreateDirectory gives the mode to the last directory only: --root is made on its own.
        if (!Directory.Exists(root)) Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The root opened for a pass over every container (list): each container's files are then reached
    /// by two path components, not by the whole root path again. -1 (and absolute paths) if it cannot be opened.</summary>
    public int OpenRoot()
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, Root, Sys.O_PATH | Sys.O_DIRECTORY);
        return fd < 0 ? -1 : (int)fd;
    }

    /// <summary>The path of a container's <paramref name="file"/>, relative to <paramref name="rootFd"/> when that
    /// is an <see cref="OpenRoot"/> descriptor, else absolute.</summary>
    public string PathOf(string id, string file, int rootFd) => rootFd >= 0 ? id + "/" + file : Path.Join(Root, id, file);

    public ContainerRecord Load(string id, int rootFd = -1)
    {
        // list reads every container's state: one stack buffer and three system calls for the usual small file.
        Span<byte> small = stackalloc byte[8192];
        long n = Sys.TryReadSmallFile(rootFd >= 0 ? rootFd : Sys.AT_FDCWD,
            CString.Into(PathOf(id, StateFile, rootFd), stackalloc byte[CString.StackSize]), small);
        string file = Path.Join(DirOf(id), StateFile);
        if (n == -Errno.ENOENT || n == -Errno.ENOTDIR) throw Absent(id);
        scoped ReadOnlySpan<byte> bytes;
        if (n >= 0 && n < small.Length) bytes = small[..(int)n];
        else
        {
            // Larger (annotations) or an unusual error: the framework's read, with its exceptions.
            try { bytes = File.ReadAllBytes(file); }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw Absent(id); }
        }
        try
        {
            return ContainerRecordJson.Read(bytes) ?? throw new DamagedState(id, Damage.Unreadable, $"{file} is damaged: null");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new DamagedState(id, Damage.Unreadable, $"{file} is damaged: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Why state.json could not be opened: no entry at all, or an entry that holds no record.</summary>
    private RuntimeError Absent(string id) => KindOf(id) switch
    {
        EntryKind.Missing => new ContainerNotFound(id),
        EntryKind.NotDirectory => DamagedState.NotDirectory(id, DirOf(id)),
        // The first save of create never finished (it was killed before the rename): nothing else was made yet.
        _ => new DamagedState(id, Damage.NoRecord,
            $"container \"{id}\": state entry {DirOf(id)} has no state.json (an interrupted create; `delete {id}` removes it)"),
    };

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

    /// <summary>Every id that holds an entry, a damaged one (a file, a directory without state.json) included.</summary>
    public IEnumerable<string> ListIds()
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var d in Directory.EnumerateFileSystemEntries(Root))
            if (Path.GetFileName(d) is var name && name != Security.SeccompCache.DirName && IsIdShaped(name)) yield return name;
    }

    /// <summary>A name <see cref="ValidateId"/> accepts: anything else in the root (a removal in progress) is not a container.</summary>
    private static bool IsIdShaped(string name)
    {
        if (name is "." or ".." || name.Length == 0) return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) return false;
        return true;
    }

    /// <summary>
    /// Removes the container's entry and everything in it. The directory is first renamed to a name no id can
    /// have, so a reader without the lock (state, list) sees the whole entry or none of it, never a directory
    /// whose state.json has gone first. A damaged entry (a file, a symlink) is unlinked, never followed.
    /// </summary>
    public void Remove(string id)
    {
        string dir = DirOf(id);
        switch (KindOf(id))
        {
            case EntryKind.Missing: return;
            case EntryKind.NotDirectory: File.Delete(dir); return;
        }
        string doomed = Path.Join(Root, $"{Removing}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try { Directory.Move(dir, doomed); }
        catch (IOException) { doomed = dir; }
        Directory.Delete(doomed, true);
    }

    private const string Removing = "~removing-";

    /// <summary>Finishes the removals of deletes that were killed half-way (their process is gone): the next delete
    /// of any container does it, since the entry no longer carries the id that was being deleted.</summary>
    public void SweepAbandonedRemovals()
    {
        if (!Directory.Exists(Root)) return;
        foreach (var d in Directory.EnumerateDirectories(Root, Removing + "*"))
        {
            string rest = Path.GetFileName(d)[Removing.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out int pid) || Directory.Exists($"/proc/{pid}")) continue;
            try { Directory.Delete(d, true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }
}

internal enum EntryKind { Missing, Directory, NotDirectory }

/// <summary>What is wrong with an entry: state.json unreadable or missing, the entry not a directory at all, or
/// the config copy unreadable.</summary>
internal enum Damage { Unreadable, NoRecord, NotDirectory, Config }

/// <summary>An entry that is not a whole container (<see cref="Damage"/> says how).</summary>
internal sealed class DamagedState(string id, Damage damage, string message) : RuntimeError(message)
{
    public string Id { get; } = id;
    public Damage Damage { get; } = damage;

    internal static DamagedState NotDirectory(string id, string entry) =>
        new(id, Damage.NotDirectory, $"container \"{id}\": state entry {entry} is not a directory (damaged)");
}
