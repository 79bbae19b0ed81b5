namespace OciSpec.Validation;

/// <summary>config.md "process" (also used for <c>exec --process</c> documents).</summary>
internal static class ProcessRules
{
    public static void Check(Process p, string path, Report r)
    {
        CheckArgs(p.Args, SpecPath.Member(path, "args"), r);

        string cwd = SpecPath.Member(path, "cwd");
        if (string.IsNullOrEmpty(p.Cwd))
            r.Add(cwd, "must not be empty");
        else if (!Syntax.IsAbsolute(p.Cwd))
            r.Add(cwd, $"must be an absolute path, got {SpecPath.Q(p.Cwd)}");

        CheckEnv(p.Env, SpecPath.Member(path, "env"), r);
        // config.md gives commandLine to Windows only; on Linux it would be silently unused.
        if (!string.IsNullOrEmpty(p.CommandLine))
            r.Add(SpecPath.Member(path, "commandLine"), "is a Windows field; on Linux the command is process.args");

        // The serializer leaves an absent object null (initialisers are not applied); config.md makes user REQUIRED.
        if (p.User is null)
            r.Add(SpecPath.Member(path, "user"), "must be present (uid and gid)");
        else if (p.User.Umask is uint umask && umask > 0b111_111_111)
            r.Add(SpecPath.Member(path, "user.umask"), $"must be at most 0777, got 0{Convert.ToString(umask, 8)}");

        if (p.OomScoreAdj is int oom && (oom < -1000 || oom > 1000))
            r.Add(SpecPath.Member(path, "oomScoreAdj"), $"must be between -1000 and 1000, got {oom}");

        CheckRlimits(p.Rlimits, SpecPath.Member(path, "rlimits"), r);
        if (p.Capabilities is { } caps)
            CheckCapabilities(caps, SpecPath.Member(path, "capabilities"), r);
        if (p.Scheduler is { } sched)
            CheckScheduler(sched, SpecPath.Member(path, "scheduler"), r);
        if (p.IoPriority is { } io)
            CheckIoPriority(io, SpecPath.Member(path, "ioPriority"), r);
        if (p.ExecCPUAffinity is { } aff)
        {
            CheckCpuList(aff.Initial, SpecPath.Member(path, "execCPUAffinity.initial"), r);
            CheckCpuList(aff.Final, SpecPath.Member(path, "execCPUAffinity.final"), r);
        }
    }

    private static void CheckArgs(List<string>? args, string path, Report r)
    {
        // config.md extends execvp: at least one entry is REQUIRED on non-Windows platforms.
        if (args is null || args.Count == 0)
        {
            r.Add(path, "must not be empty");
            return;
        }
        if (args[0] is "")
            r.Add(SpecPath.Index(path, 0), "must not be empty (it names the program to run)");
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] is null)
                r.Add(SpecPath.Index(path, i), "must be a string, got null");
            else if (args[i].Contains('\0'))
                r.Add(SpecPath.Index(path, i), "must not contain a NUL byte");
        }
    }

    internal static void CheckEnv(List<string>? env, string path, Report r)
    {
        if (env is null) return;
        for (int i = 0; i < env.Count; i++)
        {
            if (Syntax.EnvProblem(env[i]) is { } problem)
                r.Add(SpecPath.Index(path, i), problem);
        }
    }

    private static void CheckRlimits(List<PosixRlimit>? rlimits, string path, Report r)
    {
        if (rlimits is null) return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < rlimits.Count; i++)
        {
            string at = SpecPath.Index(path, i);
            PosixRlimit? rl = rlimits[i];
            if (rl is null) { r.Add(at, "must be an object, got null"); continue; }
            if (!Rlimits.IsKnown(rl.Type))
                r.Add(SpecPath.Member(at, "type"), $"unknown rlimit {SpecPath.Q(rl.Type)}");
            else if (!seen.Add(rl.Type))
                r.Add(SpecPath.Member(at, "type"), $"duplicate rlimit {SpecPath.Q(rl.Type)}");
            // setrlimit(2) fails with EINVAL in this case; say so before anything is created.
            if (rl.Soft > rl.Hard)
                r.Add(at, $"soft limit {rl.Soft} exceeds hard limit {rl.Hard}");
        }
    }

    private static void CheckCapabilities(LinuxCapabilities caps, string path, Report r)
    {
        CheckCapabilitySet(caps.Bounding, SpecPath.Member(path, "bounding"), r);
        CheckCapabilitySet(caps.Effective, SpecPath.Member(path, "effective"), r);
        CheckCapabilitySet(caps.Inheritable, SpecPath.Member(path, "inheritable"), r);
        CheckCapabilitySet(caps.Permitted, SpecPath.Member(path, "permitted"), r);
        CheckCapabilitySet(caps.Ambient, SpecPath.Member(path, "ambient"), r);
    }

    private static void CheckCapabilitySet(List<string>? set, string path, Report r)
    {
        if (set is null) return;
        for (int i = 0; i < set.Count; i++)
        {
            string? name = set[i];
            if (name is null)
                r.Add(SpecPath.Index(path, i), "must be a string, got null");
            else if (!Syntax.IsCapabilityShape(name))
                r.Add(SpecPath.Index(path, i), $"{SpecPath.Q(name)} is not a capability name (expected CAP_* in upper case)");
            else if (!Capabilities.IsKnown(name))
                r.Add(SpecPath.Index(path, i), $"unknown capability {SpecPath.Q(name)}");
        }
    }

    private static void CheckScheduler(Scheduler s, string path, Report r)
    {
        bool known = SchedulingNames.Policies.Contains(s.Policy ?? "");
        if (string.IsNullOrEmpty(s.Policy))
            r.Add(SpecPath.Member(path, "policy"), "must not be empty");
        else if (!known)
            r.Add(SpecPath.Member(path, "policy"), $"unknown scheduling policy {SpecPath.Q(s.Policy)}");

        for (int i = 0; i < (s.Flags?.Count ?? 0); i++)
        {
            string? flag = s.Flags![i];
            if (flag is null || !SchedulingNames.PolicyFlags.Contains(flag))
                r.Add(SpecPath.Index(SpecPath.Member(path, "flags"), i), $"unknown scheduler flag {SpecPath.Q(flag)}");
        }

        if (s.Nice < -20 || s.Nice > 19)
            r.Add(SpecPath.Member(path, "nice"), $"must be between -20 and 19, got {s.Nice}");

        // sched_setattr(2): static priority is 1..99 for the real-time policies and must be 0 for the others.
        bool realtime = s.Policy is "SCHED_FIFO" or "SCHED_RR";
        if (realtime && (s.Priority < 1 || s.Priority > 99))
            r.Add(SpecPath.Member(path, "priority"), $"must be between 1 and 99 for {s.Policy}, got {s.Priority}");
        else if (!realtime && known && s.Priority != 0)
            r.Add(SpecPath.Member(path, "priority"), $"only SCHED_FIFO and SCHED_RR take a priority, got {s.Priority} for {s.Policy}");

        if (s.Policy == "SCHED_DEADLINE")
        {
            // The kernel requires runtime <= deadline <= period (period 0 means "same as deadline").
            if (s.Runtime > s.Deadline)
                r.Add(SpecPath.Member(path, "runtime"), $"must not exceed deadline ({s.Runtime} > {s.Deadline})");
            if (s.Period != 0 && s.Deadline > s.Period)
                r.Add(SpecPath.Member(path, "deadline"), $"must not exceed period ({s.Deadline} > {s.Period})");
        }
        else if (known && (s.Runtime != 0 || s.Deadline != 0 || s.Period != 0))
        {
            r.Add(path, $"runtime, deadline and period apply to SCHED_DEADLINE only, not {s.Policy}");
        }
    }

    private static void CheckIoPriority(LinuxIOPriority io, string path, Report r)
    {
        if (!SchedulingNames.IOPriorityClasses.Contains(io.Class ?? ""))
            r.Add(SpecPath.Member(path, "class"), $"unknown I/O priority class {SpecPath.Q(io.Class)}");
        if (io.Priority < 0 || io.Priority > 7)
            r.Add(SpecPath.Member(path, "priority"), $"must be between 0 and 7, got {io.Priority}");
    }

    private static void CheckCpuList(string? value, string path, Report r)
    {
        if (!string.IsNullOrEmpty(value) && !Syntax.IsIdList(value))
            r.Add(path, $"invalid CPU list {SpecPath.Q(value)} (expected e.g. \"0-3,5\")");
    }
}
