namespace OciSpec.Tests.Validation;

public class SeccompRulesTests
{
    private static Action<System.Text.Json.Nodes.JsonObject> Seccomp(string json) => d => d.Linux()["seccomp"] = V.N(json);

    [Fact]
    public void DefaultActionMustBeKnown()
    {
        V.Fails("linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_MAYBE\"", Seccomp("""{"defaultAction":"SCMP_ACT_MAYBE"}"""));
        V.Fails("linux.seccomp.defaultAction: must not be empty", Seccomp("""{"syscalls":[]}"""));
    }

    [Fact]
    public void NotifyCannotBeTheDefault() =>
        V.Fails("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action", Seccomp("""{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/agent.sock"}"""));

    [Fact]
    public void ErrnoOnlyWithErrnoOrTrace()
    {
        V.Fails("linux.seccomp.defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","defaultErrnoRet":1}"""));
        V.Fails("linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_KILL does not take an errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ptrace"],"action":"SCMP_ACT_KILL","errnoRet":1}]}"""));
        V.Passes(Seccomp("""{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"syscalls":[{"names":["read"],"action":"SCMP_ACT_TRACE","errnoRet":1},{"names":["write"],"action":"SCMP_ACT_ALLOW"}]}"""));
    }

    [Fact]
    public void ArchitecturesMustBeKnown() =>
        V.Fails("linux.seccomp.architectures[1]: unknown seccomp architecture \"SCMP_ARCH_AMD64\"", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_AMD64"]}"""));

    [Fact]
    public void FlagsMustBeKnown()
    {
        V.Fails("linux.seccomp.flags[0]: unknown seccomp flag \"SECCOMP_FILTER_FLAG_FAST\"", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_FAST"]}"""));
        V.Passes(Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}"""));
    }

    [Fact]
    public void ListenerMetadataNeedsListenerPath() =>
        V.Fails("linux.seccomp.listenerMetadata: must not be set without listenerPath", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","listenerMetadata":"x"}"""));

    [Fact]
    public void NotifyNeedsListenerPath()
    {
        V.Fails("linux.seccomp.listenerPath: must be set when SCMP_ACT_NOTIFY is used",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mknod"],"action":"SCMP_ACT_NOTIFY"}]}"""));
        V.Passes(Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock","listenerMetadata":"m","syscalls":[{"names":["mknod"],"action":"SCMP_ACT_NOTIFY"}]}"""));
    }

    [Fact]
    public void NotifyCannotTrapWrite() =>
        V.Fails("linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for write",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/s","syscalls":[{"names":["mknod","write"],"action":"SCMP_ACT_NOTIFY"}]}"""));

    [Fact]
    public void SyscallNamesMustNotBeEmpty()
    {
        V.Fails("linux.seccomp.syscalls[0].names: must contain at least one entry", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]}"""));
        V.Fails("linux.seccomp.syscalls[0].names[0]: must not be empty", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[""],"action":"SCMP_ACT_ERRNO"}]}"""));
    }

    [Fact]
    public void SyscallActionMustBeKnown() =>
        V.Fails("linux.seccomp.syscalls[0].action: unknown seccomp action \"ALLOW\"", Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"ALLOW"}]}"""));

    [Fact]
    public void ArgIndexAndOperator()
    {
        V.Fails("linux.seccomp.syscalls[0].args[0].index: must be between 0 and 5, got 6",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}"""));
        V.Fails("linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_IN\"",
            Seccomp("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["personality"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_IN"}]}]}"""));
    }

    [Fact]
    public void EveryNamePasses()
    {
        string archs = string.Join(",", SeccompNames.Architectures.Select(a => $"\"{a}\""));
        string rules = string.Join(",", SeccompNames.Actions.Where(a => a != SeccompNames.ActNotify).Select(a => $$"""{"names":["getpid"],"action":"{{a}}"}"""));
        string ops = string.Join(",", SeccompNames.Operators.Select(o => $$"""{"index":5,"value":18446744073709551615,"valueTwo":1,"op":"{{o}}"}"""));
        V.Passes(Seccomp($$"""{"defaultAction":"SCMP_ACT_KILL_PROCESS","architectures":[{{archs}}],"syscalls":[{{rules}},{"names":["clone"],"action":"SCMP_ACT_ALLOW","args":[{{ops}}]}]}"""));
    }
}
