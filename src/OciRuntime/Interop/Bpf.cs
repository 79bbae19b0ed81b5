namespace OciRuntime.Interop;

/// <summary>bpf(2), just what cgroup v2 device programs need: load, attach, query, detach.</summary>
internal static unsafe partial class Sys
{
    internal const int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8, BPF_PROG_DETACH = 9, BPF_PROG_GET_FD_BY_ID = 13, BPF_PROG_QUERY = 16;
    internal const uint BPF_PROG_TYPE_CGROUP_DEVICE = 15, BPF_CGROUP_DEVICE = 6, BPF_F_ALLOW_MULTI = 2;

    /// <summary>Loads a BPF_PROG_TYPE_CGROUP_DEVICE program; returns its fd or -errno, and the verifier's log on failure.</summary>
    internal static long TryBpfLoadDeviceProgram(ReadOnlySpan<byte> insns, out string verifierLog)
    {
        verifierLog = "";
        byte* attr = stackalloc byte[128];
        new Span<byte>(attr, 128).Clear();
        byte[] license = "Apache\0"u8.ToArray();
        byte[] log = new byte[16384];
        long r;
        fixed (byte* pi = insns)
        fixed (byte* pl = license)
        fixed (byte* plog = log)
        {
            *(uint*)(attr + 0) = BPF_PROG_TYPE_CGROUP_DEVICE;
            *(uint*)(attr + 4) = (uint)(insns.Length / 8);
            *(ulong*)(attr + 8) = (ulong)pi;
            *(ulong*)(attr + 16) = (ulong)pl;
            *(uint*)(attr + 24) = 1; // log_level
            *(uint*)(attr + 28) = (uint)log.Length;
            *(ulong*)(attr + 32) = (ulong)plog;
            "ocirun_dev"u8.CopyTo(new Span<byte>(attr + 48, 16));
            r = Fast(Nr.bpf, BPF_PROG_LOAD, (long)attr, 128);
            if (r == -Errno.ENOSPC || r == -Errno.EINVAL && log[0] == 0)
            {
                // Some kernels refuse the log buffer; retry without it.
                *(uint*)(attr + 24) = 0; *(uint*)(attr + 28) = 0; *(ulong*)(attr + 32) = 0;
                r = Fast(Nr.bpf, BPF_PROG_LOAD, (long)attr, 128);
            }
        }
        if (r < 0)
        {
            int n = Array.IndexOf(log, (byte)0);
            verifierLog = System.Text.Encoding.ASCII.GetString(log, 0, n < 0 ? log.Length : n).Trim();
        }
        return r;
    }

    internal static long TryBpfAttach(int cgroupFd, int progFd, uint attachType, uint flags)
    {
        byte* attr = stackalloc byte[32];
        new Span<byte>(attr, 32).Clear();
        *(uint*)(attr + 0) = (uint)cgroupFd;
        *(uint*)(attr + 4) = (uint)progFd;
        *(uint*)(attr + 8) = attachType;
        *(uint*)(attr + 12) = flags;
        return Fast(Nr.bpf, BPF_PROG_ATTACH, (long)attr, 32);
    }

    internal static long TryBpfDetach(int cgroupFd, int progFd, uint attachType)
    {
        byte* attr = stackalloc byte[32];
        new Span<byte>(attr, 32).Clear();
        *(uint*)(attr + 0) = (uint)cgroupFd;
        *(uint*)(attr + 4) = (uint)progFd;
        *(uint*)(attr + 8) = attachType;
        return Fast(Nr.bpf, BPF_PROG_DETACH, (long)attr, 32);
    }

    /// <summary>Ids of the programs attached directly to the cgroup for <paramref name="attachType"/>.</summary>
    internal static long TryBpfQuery(int cgroupFd, uint attachType, Span<uint> ids, out int count)
    {
        byte* attr = stackalloc byte[64];
        new Span<byte>(attr, 64).Clear();
        long r;
        fixed (uint* p = ids)
        {
            *(uint*)(attr + 0) = (uint)cgroupFd;
            *(uint*)(attr + 4) = attachType;
            *(ulong*)(attr + 16) = (ulong)p;
            *(uint*)(attr + 24) = (uint)ids.Length;
            r = Fast(Nr.bpf, BPF_PROG_QUERY, (long)attr, 64);
        }
        count = (int)*(uint*)(attr + 24);
        return r;
    }

    internal static long TryBpfProgFdById(uint id)
    {
        byte* attr = stackalloc byte[16];
        new Span<byte>(attr, 16).Clear();
        *(uint*)attr = id;
        return Fast(Nr.bpf, BPF_PROG_GET_FD_BY_ID, (long)attr, 16);
    }
}
