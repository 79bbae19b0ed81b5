using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// process.scheduler, process.ioPriority, process.execCPUAffinity and linux.memoryPolicy, as the setup program's
/// compiler lays them out (Setup/ProcessCompiler): their values and the "initial" affinity, which the parent sets.
/// Scheduling policy, I/O priority, affinity and memory policy are per-thread and survive execve. An error names
/// the field it came from.
/// </summary>
internal static class Scheduling
{
    private const int IOPRIO_CLASS_SHIFT = 13;

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

    /// <summary>ioprio_set's value for process.ioPriority.</summary>
    internal static long IoPriorityOf(LinuxIOPriority io)
    {
        if (!SpecKernelValues.IOPriorityClasses.TryGetValue(io.Class ?? "", out int cls))
            throw new RuntimeError($"process.ioPriority.class: unknown I/O priority class \"{io.Class}\"");
        return ((long)cls << IOPRIO_CLASS_SHIFT) | (uint)io.Priority;
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
