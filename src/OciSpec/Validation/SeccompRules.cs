namespace OciSpec.Validation;

/// <summary>config-linux.md "Seccomp": names the spec lists, errno only where the action takes one, listener coupling.</summary>
internal static class SeccompRules
{
    private const string Path = "linux.seccomp";

    public static void Check(LinuxSeccomp s, Report r)
    {
        string def = SpecPath.Member(Path, "defaultAction");
        if (string.IsNullOrEmpty(s.DefaultAction))
            r.Add(def, "must not be empty");
        else if (!SeccompNames.Actions.Contains(s.DefaultAction))
            r.Add(def, $"unknown seccomp action {SpecPath.Q(s.DefaultAction)}");
        else if (s.DefaultAction == SeccompNames.ActNotify)
            // Every syscall the runtime makes after loading the filter (execve included) would wait on the agent.
            r.Add(def, "SCMP_ACT_NOTIFY cannot be the default action");
        CheckErrno(s.DefaultAction, s.DefaultErrnoRet, SpecPath.Member(Path, "defaultErrnoRet"), r);

        for (int i = 0; i < (s.Architectures?.Count ?? 0); i++)
        {
            string? arch = s.Architectures![i];
            if (arch is null || !SeccompNames.Architectures.Contains(arch))
                r.Add(SpecPath.Index(SpecPath.Member(Path, "architectures"), i), $"unknown seccomp architecture {SpecPath.Q(arch)}");
        }
        for (int i = 0; i < (s.Flags?.Count ?? 0); i++)
        {
            string? flag = s.Flags![i];
            if (flag is null || !SeccompNames.Flags.Contains(flag))
                r.Add(SpecPath.Index(SpecPath.Member(Path, "flags"), i), $"unknown seccomp flag {SpecPath.Q(flag)}");
        }

        if (!string.IsNullOrEmpty(s.ListenerMetadata) && string.IsNullOrEmpty(s.ListenerPath))
            r.Add(SpecPath.Member(Path, "listenerMetadata"), "must not be set without listenerPath");

        bool usesNotify = false;
        for (int i = 0; i < (s.Syscalls?.Count ?? 0); i++)
        {
            string at = SpecPath.Index(SpecPath.Member(Path, "syscalls"), i);
            LinuxSyscall? sc = s.Syscalls![i];
            if (sc is null) { r.Add(at, "must be an object, got null"); continue; }
            CheckSyscall(sc, at, r);
            usesNotify |= sc.Action == SeccompNames.ActNotify;
        }
        // The notify fd has to be handed to someone; without a listener the trapped syscalls would hang forever.
        if (usesNotify && string.IsNullOrEmpty(s.ListenerPath))
            r.Add(SpecPath.Member(Path, "listenerPath"), "must be set when SCMP_ACT_NOTIFY is used");
    }

    private static void CheckSyscall(LinuxSyscall sc, string at, Report r)
    {
        string names = SpecPath.Member(at, "names");
        if (sc.Names is null || sc.Names.Count == 0)
            r.Add(names, "must contain at least one entry");
        for (int j = 0; j < (sc.Names?.Count ?? 0); j++)
        {
            string? name = sc.Names![j];
            if (string.IsNullOrEmpty(name))
                r.Add(SpecPath.Index(names, j), "must not be empty");
            else if (name == "write" && sc.Action == SeccompNames.ActNotify)
                // As runc: the runtime itself writes (to its sync pipe) after the filter is in place.
                r.Add(SpecPath.Index(names, j), "SCMP_ACT_NOTIFY cannot be used for write");
        }

        string action = SpecPath.Member(at, "action");
        if (string.IsNullOrEmpty(sc.Action))
            r.Add(action, "must not be empty");
        else if (!SeccompNames.Actions.Contains(sc.Action))
            r.Add(action, $"unknown seccomp action {SpecPath.Q(sc.Action)}");
        CheckErrno(sc.Action, sc.ErrnoRet, SpecPath.Member(at, "errnoRet"), r);

        for (int k = 0; k < (sc.Args?.Count ?? 0); k++)
        {
            string argAt = SpecPath.Index(SpecPath.Member(at, "args"), k);
            LinuxSeccompArg? arg = sc.Args![k];
            if (arg is null) { r.Add(argAt, "must be an object, got null"); continue; }
            if (arg.Index > SeccompNames.MaxArgIndex)
                r.Add(SpecPath.Member(argAt, "index"), $"must be between 0 and {SeccompNames.MaxArgIndex}, got {arg.Index}");
            if (!SeccompNames.Operators.Contains(arg.Op ?? ""))
                r.Add(SpecPath.Member(argAt, "op"), $"unknown seccomp operator {SpecPath.Q(arg.Op)}");
        }
    }

    /// <summary>The spec: "When the action doesn't support an errno, the runtime MUST print and error and fail."</summary>
    private static void CheckErrno(string? action, uint? errno, string path, Report r)
    {
        if (errno is not null && action is not null && SeccompNames.Actions.Contains(action) &&
            !SeccompNames.ActionsWithErrno.Contains(action))
            r.Add(path, $"{action} does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)");
    }
}
