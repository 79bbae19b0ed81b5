using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Zone routines for what depends on the container's own view: the bounding set loop, PATH lookup, HOME and
/// `exec --user` from the container's /etc/passwd and /etc/group, the cwd check of CVE-2024-21626, and execve with
/// runc's words for its failure. Allocation-free (ForkSafe.cs rules): raw system calls, stack buffers, the
/// program's memory and the zone's scratch.
/// </summary>
internal static unsafe class ProcessRoutines
{
    /// <summary>a0: the bounding set to keep (bit mask), a1: cap_last_cap. PR_CAPBSET_DROP for every other
    /// capability (EINVAL, a capability this kernel lacks, is skipped). Detail: the capability that failed.</summary>
    public const int DropBounding = OpKind.ProcessFirst + 0;
    /// <summary>a0: args[0], a1: the PATH value (0 when args[0] holds a '/': taken as it is), a2: buffer for the
    /// path found, a3: its size. Result: 0 for args[0] itself, k+1 for the k-th PATH entry. Detail 1: not found.</summary>
    public const int FindExecutable = OpKind.ProcessFirst + 1;
    /// <summary>a0: uid, a1: the envp entry to fill, a2: buffer, a3: its size, a4: the passwd file ("/etc/passwd").
    /// Sets "HOME=" from the container's passwd file, "/" when the uid is not there (runc's rule). Never fails.</summary>
    public const int SetHome = OpKind.ProcessFirst + 2;
    /// <summary>The working directory lies inside the root (CVE-2024-21626). Detail 1: it does not.</summary>
    public const int CheckCwd = OpKind.ProcessFirst + 3;
    /// <summary>a0: path, a1: argv, a2: envp, a3: what FindExecutable returned (reported as Detail), a4: a buffer
    /// of <see cref="WordsSize"/> for the words of a failure after the gate (else 0), a5: the words before the
    /// path ("process.args[0]: exec "). Returns only on failure.</summary>
    public const int Exec = OpKind.ProcessFirst + 4;
    /// <summary>a0: a <see cref="UserQuery"/>, a1/a2/a3: the slots for uid, gid and the count of groups.
    /// Detail 1: no such user, 2: no such group.</summary>
    public const int LookupUser = OpKind.ProcessFirst + 5;

    public const int WordsSize = 4096 + 64;

    internal static string NameOf(int kind) => kind switch
    {
        DropBounding => "drop-bounding", FindExecutable => "find-executable", SetHome => "set-home",
        CheckCwd => "check-cwd", Exec => "exec", LookupUser => "lookup-user", _ => "process." + (kind - OpKind.ProcessFirst),
    };

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        DropBounding => DropBoundingSet(z, (ulong)a[0], a[1]),
        FindExecutable => Find(z, (byte*)a[0], (byte*)a[1], (byte*)a[2], (int)a[3]),
        SetHome => Home(z, (uint)a[0], (byte**)a[1], (byte*)a[2], (int)a[3], (byte*)a[4]),
        CheckCwd => CwdInsideRoot(z),
        Exec => ExecNow(z, a),
        LookupUser => Lookup(z, (UserQuery*)a[0], (int)a[1], (int)a[2], (int)a[3]),
        _ => -Errno.ENOSYS,
    };

    private static long DropBoundingSet(ZoneState* z, ulong keep, long lastCap)
    {
        for (int cap = 0; cap <= lastCap && cap < 64; cap++)
        {
            if ((keep & (1UL << cap)) != 0) continue;
            long r = Sys.Fast(Nr.prctl, Sys.PR_CAPBSET_DROP, cap);
            if (r < 0 && r != -Errno.EINVAL) { z->Detail = cap; return r; }
        }
        return 0;
    }

    /// <summary>execvp's test, as Go's LookPath makes it: executable for us, and not a directory (execve would
    /// say EACCES for one).</summary>
    private static long Executable(byte* path)
    {
        const long X_OK = 1;
        long r = Sys.Fast(Nr.faccessat, Sys.AT_FDCWD, (long)path, X_OK, 0);
        if (r < 0) return r;
        byte* st = stackalloc byte[144];
        r = Sys.Fast(Nr.newfstatat, Sys.AT_FDCWD, (long)path, (long)st, 0);
        if (r < 0) return r;
        return (*(uint*)(st + 24) & 0xf000) == Sys.S_IFDIR ? -Errno.EACCES : 0; // st_mode
    }

    private static long Find(ZoneState* z, byte* name, byte* pathVar, byte* buf, int cap)
    {
        if (pathVar == null)
        {
            if (ZoneLib.Append(buf, 0, cap, name) < 0) return -Errno.ENAMETOOLONG;
            long r = Executable(buf);
            return r < 0 ? r : 0;
        }
        byte* p = pathVar;
        for (int index = 0; ; index++)
        {
            int len = 0;
            while (p[len] != 0 && p[len] != ':') len++;
            // Path.Join(dir or ".", name), as the managed path did.
            int n = 0;
            if (len == 0) n = ZoneLib.AppendByte(buf, 0, cap, (byte)'.');
            else if (len + 1 < cap) { for (int i = 0; i < len; i++) buf[i] = p[i]; buf[len] = 0; n = len; }
            else n = -1;
            if (n > 0 && buf[n - 1] != '/') n = ZoneLib.AppendByte(buf, n, cap, (byte)'/');
            n = ZoneLib.Append(buf, n, cap, name);
            if (n > 0 && Executable(buf) == 0) return index + 1;
            if (p[len] == 0) break;
            p += len + 1;
        }
        z->Detail = 1;
        return -Errno.ENOENT;
    }

    private static long Home(ZoneState* z, uint uid, byte** entry, byte* buf, int cap, byte* passwd)
    {
        int n = ZoneLib.Append(buf, 0, cap, Text.Home);
        int at = n;
        long fd = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)passwd, Sys.O_RDONLY | Sys.O_CLOEXEC);
        bool found = false;
        if (fd >= 0)
        {
            var lines = new LineReader(fd, z->Scratch, ZoneState.ScratchSize);
            while (!found && lines.Next(out byte* line, out int len))
            {
                // name:password:uid:gid:gecos:home:shell
                if (!Field(line, len, 2, out byte* u, out int ulen) || !Field(line, len, 5, out byte* home, out int hlen)) continue;
                if (ZoneLib.ParseNumber(u, ulen) != uid || !AllDigits(u, ulen)) continue;
                if (at + hlen + 1 > cap) break;
                for (int i = 0; i < hlen; i++) buf[at + i] = home[i];
                buf[at + hlen] = 0;
                found = true;
            }
            Sys.Fast(Nr.close, fd);
        }
        if (!found) ZoneLib.AppendByte(buf, at, cap, (byte)'/');
        *entry = buf;
        return 0;
    }

    /// <summary>The CVE-2024-21626 cwd check without allocation: getcwd first; where it gives no plain absolute path (unreachable, or
    /// denied or faked by a seccomp profile already loaded), walk up through ".." by descriptor.</summary>
    private static long CwdInsideRoot(ZoneState* z)
    {
        byte* buf = z->Scratch;
        long r = Sys.Fast(Nr.getcwd, (long)buf, 4096);
        if ((r > 0 && buf[0] == '/') || r == -Errno.ERANGE) return 0;
        if (r > 0) { z->Detail = 1; return -Errno.EXDEV; }
        byte* slash = stackalloc byte[2] { (byte)'/', 0 };
        byte* dot = stackalloc byte[2] { (byte)'.', 0 };
        byte* dotdot = stackalloc byte[3] { (byte)'.', (byte)'.', 0 };
        const long Flags = Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC;
        long root = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)slash, Flags);
        if (root < 0) return root;
        long s = Identity(root, out ulong rootDev, out ulong rootIno);
        Sys.Fast(Nr.close, root);
        if (s < 0) return s;
        long fd = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)dot, Flags);
        if (fd < 0) return fd;
        long result = -Errno.EXDEV;
        for (int depth = 0; depth < 4096; depth++)
        {
            s = Identity(fd, out ulong dev, out ulong ino);
            if (s < 0) { result = s; break; }
            if (dev == rootDev && ino == rootIno) { result = 0; break; }
            long up = Sys.Fast(Nr.openat, fd, (long)dotdot, Flags);
            if (up < 0) { result = up; break; }
            Sys.Fast(Nr.close, fd);
            fd = up;
            s = Identity(fd, out ulong upDev, out ulong upIno);
            if (s < 0) { result = s; break; }
            if (upDev == dev && upIno == ino) break; // its own parent: the top of a tree that is not our root
        }
        Sys.Fast(Nr.close, fd);
        if (result == -Errno.EXDEV) z->Detail = 1;
        return result;
    }

    private static long Identity(long fd, out ulong dev, out ulong ino)
    {
        byte* st = stackalloc byte[144];
        long r = Sys.Fast(Nr.fstat, fd, (long)st);
        dev = *(ulong*)st;
        ino = *(ulong*)(st + 8);
        return r;
    }

    private static long ExecNow(ZoneState* z, long* a)
    {
        long r = Sys.Fast(Nr.execve, a[0], a[1], a[2]);
        z->Detail = (int)a[3];
        byte* words = (byte*)a[4];
        if (z->FifoFd >= 0 && words != null)
        {
            // After the gate `start` reads the words from the FIFO and adds Go's lower-case errno text, as runc
            // words it (docker picks a failed run's exit code from it: 127 "no such file or directory", 126
            // "permission denied"). The path is the one PATH lookup found, known only here.
            int n = ZoneLib.Append(words, 0, WordsSize, (byte*)a[5]);
            if (ZoneLib.Append(words, n, WordsSize, (byte*)a[0]) > 0) z->FailText[z->Current] = words;
        }
        return r;
    }

    private static long Lookup(ZoneState* z, UserQuery* q, int uidSlot, int gidSlot, int countSlot)
    {
        uint uid = q->Uid, gid = q->Gid;
        byte* name = stackalloc byte[256];
        name[0] = 0;
        int nameLen = 0;
        long fd = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)q->Passwd, Sys.O_RDONLY | Sys.O_CLOEXEC);
        bool found = false;
        if (fd >= 0)
        {
            var lines = new LineReader(fd, z->Scratch, ZoneState.ScratchSize);
            while (!found && lines.Next(out byte* line, out int len))
            {
                if (len == 0 || line[0] == '#') continue;
                if (!Field(line, len, 0, out byte* f0, out int l0) || !Field(line, len, 2, out byte* f2, out int l2)) continue;
                if (q->NameIsUid != 0)
                {
                    // "1000[:group]": the name only serves to find the user's groups.
                    if (!ZoneLib.Equal(f2, l2, q->Name)) continue;
                }
                else
                {
                    if (!Field(line, len, 3, out byte* f3, out int l3) || !ZoneLib.Equal(f0, l0, q->Name)) continue;
                    long u = ZoneLib.ParseNumber(f2, l2), g = ZoneLib.ParseNumber(f3, l3);
                    if (u < 0 || g < 0 || u > uint.MaxValue || g > uint.MaxValue) continue;
                    uid = (uint)u;
                    gid = (uint)g;
                }
                if (l0 > 255) l0 = 255;
                for (int i = 0; i < l0; i++) name[i] = f0[i];
                name[l0] = 0;
                nameLen = l0;
                found = true;
            }
            Sys.Fast(Nr.close, fd);
        }
        if (!found && q->NameIsUid == 0) { z->Detail = 1; return -Errno.ENOENT; }

        int count = q->PresetCount;
        bool groupFound = q->GroupName == null;
        if (q->GroupName != null || nameLen > 0)
        {
            fd = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)q->Group, Sys.O_RDONLY | Sys.O_CLOEXEC);
            if (fd >= 0)
            {
                var lines = new LineReader(fd, z->Scratch, ZoneState.ScratchSize);
                while (lines.Next(out byte* line, out int len))
                {
                    // name:password:gid:member,member
                    if (len == 0 || line[0] == '#') continue;
                    if (!Field(line, len, 0, out byte* f0, out int l0) || !Field(line, len, 2, out byte* f2, out int l2)) continue;
                    long g = ZoneLib.ParseNumber(f2, l2);
                    if (!groupFound && ZoneLib.Equal(f0, l0, q->GroupName) && g >= 0 && g <= uint.MaxValue)
                    {
                        gid = (uint)g;
                        groupFound = true;
                    }
                    if (nameLen == 0 || g < 0 || g > uint.MaxValue || !AllDigits(f2, l2)) continue;
                    if (!Field(line, len, 3, out byte* members, out int ml) || !ListHas(members, ml, name, nameLen)) continue;
                    bool dup = false;
                    for (int i = 0; i < count; i++) if (q->Groups[i] == (uint)g) dup = true;
                    if (!dup && count < q->GroupCap) q->Groups[count++] = (uint)g;
                }
                Sys.Fast(Nr.close, fd);
            }
        }
        if (!groupFound) { z->Detail = 2; return -Errno.ENOENT; }
        z->Slots[uidSlot] = uid;
        z->Slots[gidSlot] = gid;
        z->Slots[countSlot] = count;
        return 0;
    }

    private static bool AllDigits(byte* s, int len)
    {
        if (len == 0) return false;
        for (int i = 0; i < len; i++) if (s[i] < '0' || s[i] > '9') return false;
        return true;
    }

    /// <summary>Field <paramref name="k"/> (from 0) of a ':'-separated line.</summary>
    private static bool Field(byte* line, int len, int k, out byte* field, out int flen)
    {
        int start = 0, index = 0;
        for (int i = 0; i <= len; i++)
        {
            if (i < len && line[i] != ':') continue;
            if (index == k)
            {
                field = line + start;
                flen = i - start;
                return true;
            }
            index++;
            start = i + 1;
        }
        field = null;
        flen = 0;
        return false;
    }

    /// <summary>True if the ','-separated list holds exactly <paramref name="name"/>.</summary>
    private static bool ListHas(byte* list, int len, byte* name, int nameLen)
    {
        int start = 0;
        for (int i = 0; i <= len; i++)
        {
            if (i < len && list[i] != ',') continue;
            if (i - start == nameLen)
            {
                bool same = true;
                for (int j = 0; j < nameLen && same; j++) same = list[start + j] == name[j];
                if (same) return true;
            }
            start = i + 1;
        }
        return false;
    }

    /// <summary>Constant C strings of the routines (static data: no allocation).</summary>
    private static class Text
    {
        internal static byte* Home => P("HOME=\0"u8);

        // u8 literals live in the image's read-only data: the pointer stays valid, nothing is allocated.
        private static byte* P(ReadOnlySpan<byte> s)
        {
            fixed (byte* p = s) return p;
        }
    }
}

/// <summary>`exec --user NAME[:GROUP]`, laid out by the compiler for <see cref="ProcessRoutines.LookupUser"/>.</summary>
internal unsafe struct UserQuery
{
    /// <summary>The user name, or the uid as text when <see cref="NameIsUid"/> (then only its name is looked up).</summary>
    public byte* Name;
    /// <summary>A group name to look up in /etc/group, or null (the gid is <see cref="Gid"/>).</summary>
    public byte* GroupName;
    /// <summary>The container's files: "/etc/passwd" and "/etc/group" (other paths in unit tests).</summary>
    public byte* Passwd, Group;
    public int NameIsUid;
    public uint Uid, Gid;
    /// <summary>The supplementary groups: the preset ones (--additional-gids), then those listing the user.</summary>
    public uint* Groups;
    public int GroupCap, PresetCount;
}

/// <summary>Lines of a file through a caller's buffer; a line longer than the buffer is skipped whole.</summary>
internal unsafe struct LineReader(long fd, byte* buf, int cap)
{
    private int _start, _end;
    private bool _eof, _skipping;

    public bool Next(out byte* line, out int len)
    {
        while (true)
        {
            for (int i = _start; i < _end; i++)
            {
                if (buf[i] != '\n') continue;
                bool skipped = _skipping;
                _skipping = false;
                line = buf + _start;
                len = i - _start;
                _start = i + 1;
                if (skipped) break;
                if (len > 0 && line[len - 1] == '\r') len--;
                return true;
            }
            if (_eof)
            {
                line = buf + _start;
                len = _end - _start;
                bool any = len > 0 && !_skipping;
                _start = _end;
                if (!any) { line = null; len = 0; return false; }
                return true;
            }
            bool sawNewline = false;
            for (int i = _start; i < _end; i++) if (buf[i] == '\n') sawNewline = true;
            if (sawNewline) continue;
            if (_start > 0)
            {
                for (int i = _start; i < _end; i++) buf[i - _start] = buf[i];
                _end -= _start;
                _start = 0;
            }
            if (_end == cap) { _end = 0; _skipping = true; }
            long n = Sys.Fast(Nr.read, fd, (long)(buf + _end), cap - _end);
            if (n <= 0) _eof = true;
            else _end += (int)n;
        }
    }
}
