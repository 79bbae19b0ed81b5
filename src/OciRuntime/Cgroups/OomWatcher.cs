using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// Tells when the OOM killer acted in a cgroup. v1: an eventfd registered for memory.oom_control through
/// cgroup.event_control; v2: inotify on memory.events. Either way <see cref="Fd"/> becomes readable and
/// <see cref="Check"/> compares the kernel's counters, so a wake-up for another reason (the cgroup going away,
/// another key of memory.events changing) is not reported as an OOM.
/// </summary>
internal sealed class OomWatcher : IDisposable
{
    private const int EFD_CLOEXEC = 0x80000, EFD_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000, IN_NONBLOCK = 0x800, IN_MODIFY = 2;

    private readonly int _fd, _extraFd;
    private readonly Func<(ulong count, bool underOom)?> _read;
    private ulong _last;

    /// <summary>Readable when something happened; pass to poll(2).</summary>
    public int Fd => _fd;

    private OomWatcher(int fd, int extraFd, Func<(ulong, bool)?> read)
    {
        _fd = fd; _extraFd = extraFd; _read = read;
        _last = read()?.Item1 ?? 0;
    }

    internal static OomWatcher V1(string memDir)
    {
        using var efd = OwnedFd.Check(Sys.Fast(Nr.eventfd2, 0, EFD_CLOEXEC | EFD_NONBLOCK), "eventfd");
        string control = Path.Join(memDir, "memory.oom_control");
        using var ofd = OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, control, Sys.O_RDONLY), $"open {control}");
        int err = CgroupFs.TryWrite(memDir, "cgroup.event_control", $"{efd.Fd} {ofd.Fd}");
        if (err != 0) throw CgroupFs.WriteError(memDir, "cgroup.event_control", $"{efd.Fd} {ofd.Fd}", "events", err);
        return new OomWatcher(efd.Release(), ofd.Release(), () =>
        {
            if (CgroupFs.TryRead(memDir, "memory.oom_control") is not { } t) return null;
            var m = ParseKeyed(t);
            return (m.GetValueOrDefault("oom_kill"), m.GetValueOrDefault("under_oom") == 1);
        });
    }

    internal static OomWatcher V2(string dir)
    {
        using var ifd = OwnedFd.Check(Sys.Fast(Nr.inotify_init1, IN_CLOEXEC | IN_NONBLOCK), "inotify_init1");
        string events = Path.Join(dir, "memory.events");
        long w;
        unsafe
        {
            fixed (byte* p = CString.Of(events)) w = Sys.Fast(Nr.inotify_add_watch, ifd.Fd, (long)p, IN_MODIFY);
        }
        Sys.Check(w, $"inotify_add_watch {events}");
        return new OomWatcher(ifd.Release(), -1, () =>
        {
            if (CgroupFs.TryRead(dir, "memory.events") is not { } t) return null;
            var m = ParseKeyed(t);
            return (Math.Max(m.GetValueOrDefault("oom_kill"), m.GetValueOrDefault("oom")), false);
        });
    }

    /// <summary>A watcher driven by the caller (unit tests): no fd, only the counters.</summary>
    internal static OomWatcher ForCounters(Func<(ulong, bool)?> read) => new(-1, -1, read);

    private static Dictionary<string, ulong> ParseKeyed(string text)
    {
        var map = new Dictionary<string, ulong>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length == 2 && ulong.TryParse(p[1], out var v)) map[p[0]] = v;
        }
        return map;
    }

    /// <summary>Drains the fd; true if an OOM happened since the last check. <paramref name="gone"/>: the cgroup has disappeared.</summary>
    public bool Check(out bool gone)
    {
        if (_fd >= 0)
        {
            Span<byte> buf = stackalloc byte[4096];
            while (Sys.TryRead(_fd, buf) > 0) { }
        }
        var now = _read();
        gone = now is null;
        if (now is null) return false;
        bool oom = now.Value.count > _last || now.Value.underOom;
        _last = now.Value.count;
        return oom;
    }

    public void Dispose()
    {
        Sys.Close(_fd);
        Sys.Close(_extraFd);
    }
}
