using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// process.scheduler, process.ioPriority, process.execCPUAffinity and linux.memoryPolicy. Each acts on the calling
/// thread (init's main thread, the one that execs): scheduling policy, I/O priority, affinity and memory policy
/// are per-thread and survive execve. An error names the field it came from.
/// </summary>
internal static class Scheduling
{
    private const int IOPRIO_WHO_PROCESS = 1, IOPRIO_CLASS_SHIFT = 13;

    /// <summary>Everything but the "initial" affinity (the parent's, see <see cref="ApplyInitialAffinity"/>).
    /// Called while init still has its capabilities (a real-time policy or a negative nice needs CAP_SYS_NICE).</summary>
    internal static void Apply(OciSpec.Process process, LinuxMemoryPolicy? memoryPolicy)
    {
        if (process.Scheduler is { } s) SetScheduler(s);
        if (process.IoPriority is { } io) SetIoPriority(io);
        if (memoryPolicy is { } mp) SetMemoryPolicy(mp);
        // "final": after the transition to the container's cgroup, which the parent confirmed before init ran.
        if (!string.IsNullOrEmpty(process.ExecCPUAffinity?.Final))
            SetAffinity(0, process.ExecCPUAffinity.Final, "process.execCPUAffinity.final");
    }

    /// <summary>"initial": set by the parent on the new process before it joins the container's cgroup.</summary>
    internal static void ApplyInitialAffinity(OciSpec.Process? process, int pid)
    {
        if (!string.IsNullOrEmpty(process?.ExecCPUAffinity?.Initial))
            SetAffinity(pid, process.ExecCPUAffinity.Initial, "process.execCPUAffinity.initial");
    }

    /// <summary>The policy and flag values of process.scheduler (shared with the setup program's compiler).</summary>
    internal static (int Policy, ulong Flags) PolicyOf(Scheduler s)
    {
        if (!SpecKernelValues.SchedPolicies.TryGetValue(s.Policy ?? "", out int policy))
            throw new RuntimeError($"process.scheduler.policy: unknown scheduling policy \"{s.Policy}\"");
        ulong flags = 0;
        foreach (var f in s.Flags ?? [])
        {
            if (!SpecKernelValues.SchedFlags.TryGetValue(f, out ulong bit))
                throw new RuntimeError($"process.scheduler.flags: unknown scheduler flag \"{f}\"");
            flags |= bit;
        }
        return (policy, flags);
    }

    internal static unsafe void SetScheduler(Scheduler s)
    {
        var (policy, flags) = PolicyOf(s);
        // struct sched_attr (SCHED_ATTR_SIZE_VER0 = 48 bytes; the util clamps of VER1 stay zero).
        byte* attr = stackalloc byte[56];
        new Span<byte>(attr, 56).Clear();
        *(uint*)attr = 56;                        // size
        *(uint*)(attr + 4) = (uint)policy;        // sched_policy
        *(ulong*)(attr + 8) = flags;              // sched_flags
        *(int*)(attr + 16) = s.Nice;              // sched_nice
        *(uint*)(attr + 20) = (uint)s.Priority;   // sched_priority
        *(ulong*)(attr + 24) = s.Runtime;         // sched_runtime
        *(ulong*)(attr + 32) = s.Deadline;        // sched_deadline
        *(ulong*)(attr + 40) = s.Period;          // sched_period
        long r = Sys.Fast(Nr.sched_setattr, 0, (long)attr, 0);
        if (r < 0)
        {
            string hint = r == -Errno.EPERM ? " (a real-time policy or a negative nice needs CAP_SYS_NICE, and RLIMIT_RTPRIO/RLIMIT_NICE or the cgroup's real-time budget may forbid it)" : "";
            throw new RuntimeError($"process.scheduler: sched_setattr {s.Policy} nice={s.Nice} priority={s.Priority}: {SyscallException.Describe((int)-r)}{hint}");
        }
    }

    /// <summary>ioprio_set's value for process.ioPriority.</summary>
    internal static long IoPriorityOf(LinuxIOPriority io)
    {
        if (!SpecKernelValues.IOPriorityClasses.TryGetValue(io.Class ?? "", out int cls))
            throw new RuntimeError($"process.ioPriority.class: unknown I/O priority class \"{io.Class}\"");
        return ((long)cls << IOPRIO_CLASS_SHIFT) | (uint)io.Priority;
    }

    internal static void SetIoPriority(LinuxIOPriority io)
    {
        long value = IoPriorityOf(io);
        long r = Sys.Fast(Nr.ioprio_set, IOPRIO_WHO_PROCESS, 0, value);
        if (r < 0)
            throw new RuntimeError($"process.ioPriority: ioprio_set {io.Class} {io.Priority}: {SyscallException.Describe((int)-r)}");
    }

    /// <summary>set_mempolicy's mode (with its flags) and node mask for linux.memoryPolicy.</summary>
    internal static (int Mode, ulong[] Mask) MemoryPolicyOf(LinuxMemoryPolicy mp)
    {
        if (!SpecKernelValues.MemoryPolicyModes.TryGetValue(mp.Mode ?? "", out int mode))
            throw new RuntimeError($"linux.memoryPolicy.mode: unknown memory policy mode \"{mp.Mode}\"");
        foreach (var f in mp.Flags ?? [])
        {
            if (!SpecKernelValues.MemoryPolicyFlags.TryGetValue(f, out int bit))
                throw new RuntimeError($"linux.memoryPolicy.flags: unknown memory policy flag \"{f}\"");
            mode |= bit;
        }
        return (mode, string.IsNullOrEmpty(mp.Nodes) ? [] : ParseList(mp.Nodes, "linux.memoryPolicy.nodes"));
    }

    internal static unsafe void SetMemoryPolicy(LinuxMemoryPolicy mp)
    {
        var (mode, mask) = MemoryPolicyOf(mp);
        fixed (ulong* p = mask)
        {
            // maxnode counts bits plus one (the kernel decrements it first); a null mask for "no nodes".
            long maxnode = mask.Length == 0 ? 0 : mask.Length * 64L + 1;
            long r = Sys.Fast(Nr.set_mempolicy, mode, mask.Length == 0 ? 0 : (long)p, maxnode);
            if (r < 0)
                throw new RuntimeError($"linux.memoryPolicy: set_mempolicy {mp.Mode} nodes \"{mp.Nodes}\": {SyscallException.Describe((int)-r)}");
        }
    }

    internal static unsafe void SetAffinity(int pid, string cpus, string field)
    {
        ulong[] mask = ParseList(cpus, field);
        fixed (ulong* p = mask)
        {
            long r = Sys.Fast(Nr.sched_setaffinity, pid, mask.Length * 8L, (long)p);
            if (r < 0)
                throw new RuntimeError($"{field}: sched_setaffinity \"{cpus}\": {SyscallException.Describe((int)-r)}");
        }
    }

    /// <summary>A cpuset-style list ("0-3,5") as a bit mask, in 64-bit words.</summary>
    internal static ulong[] ParseList(string list, string field)
    {
        var bits = new List<int>();
        foreach (var raw in list.Split(',', StringSplitOptions.TrimEntries))
        {
            if (raw.Length == 0) continue;
            int dash = raw.IndexOf('-');
            string a = dash < 0 ? raw : raw[..dash], b = dash < 0 ? raw : raw[(dash + 1)..];
            bool ok = int.TryParse(a, out int lo) && int.TryParse(b, out int hi) && lo >= 0 && hi >= lo && Set(lo, hi);
            if (!ok) throw new RuntimeError($"{field}: invalid list \"{list}\" (expected e.g. \"0-3,5\")");
        }
        if (bits.Count == 0) throw new RuntimeError($"{field}: \"{list}\" names no CPU or node");
        var words = new ulong[bits.Max() / 64 + 1];
        foreach (int b in bits) words[b / 64] |= 1UL << (b % 64);
        return words;

        bool Set(int lo, int hi)
        {
            if (hi >= 1 << 16) return false;
            for (int i = lo; i <= hi; i++) bits.Add(i);
            return true;
        }
    }
}
