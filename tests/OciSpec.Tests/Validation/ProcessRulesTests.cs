using System.Text.Json.Nodes;

namespace OciSpec.Tests.Validation;

public class ProcessRulesTests
{
    [Fact]
    public void ArgsMustNotBeEmpty()
    {
        V.Fails("process.args: must not be empty", d => d.Process()["args"] = new JsonArray());
        V.Fails("process.args: must not be empty", d => d.Process().Remove("args"));
    }

    [Fact]
    public void FirstArgMustNotBeEmpty() =>
        V.Fails("process.args[0]: must not be empty (it names the program to run)", d => d.Process()["args"] = V.N("""[""]"""));

    [Fact]
    public void ArgsMustNotContainNul() =>
        V.Fails("process.args[1]: must not contain a NUL byte", d => d.Process()["args"] = V.N("""["sh","a\u0000b"]"""));

    [Fact]
    public void ArgsPass() => V.Passes(d => d.Process()["args"] = V.N("""["/bin/ls","-l",""]"""));

    [Fact]
    public void CwdMustBeAbsolute() =>
        V.Fails("process.cwd: must be an absolute path, got \"tmp\"", d => d.Process()["cwd"] = "tmp");

    [Fact]
    public void CwdMustNotBeEmpty() => V.Fails("process.cwd: must not be empty", d => d.Process()["cwd"] = "");

    [Fact]
    public void UserMustBePresent() =>
        V.Fails("process.user: must be present (uid and gid)", d => d.Process().Remove("user"));

    [Fact]
    public void CwdAbsolutePasses() => V.Passes(d => d.Process()["cwd"] = "/var/tmp");

    [Fact]
    public void EnvEntriesMustBeKeyValue()
    {
        V.Fails("process.env[2]: must be KEY=VALUE, got \"FOO\"", d => d.Process()["env"]!.AsArray().Add("FOO"));
        V.Fails("process.env[2]: variable name must not be empty, got \"=x\"", d => d.Process()["env"]!.AsArray().Add("=x"));
    }

    [Fact]
    public void EnvWithEmptyValueOrEqualsInValuePasses() =>
        V.Passes(d => { d.Process()["env"]!.AsArray().Add("EMPTY="); d.Process()["env"]!.AsArray().Add("A=b=c"); });

    [Fact]
    public void RlimitTypeMustBeKnown() =>
        V.Fails("process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\"", d => d.Process()["rlimits"]![0]!["type"] = "RLIMIT_FOO");

    [Fact]
    public void RlimitTypeMustNotRepeat() => V.Fails("process.rlimits[1].type: duplicate rlimit \"RLIMIT_NOFILE\"",
        d => d.Process()["rlimits"]!.AsArray().Add(V.N("""{"type":"RLIMIT_NOFILE","hard":10,"soft":10}""")));

    [Fact]
    public void RlimitSoftMustNotExceedHard() => V.Fails("process.rlimits[0]: soft limit 2048 exceeds hard limit 1024",
        d => d.Process()["rlimits"]![0]!["soft"] = 2048);

    [Fact]
    public void RlimitsPass() => V.Passes(d => d.Process()["rlimits"] = V.N(
        """[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":0},{"type":"RLIMIT_RTTIME","hard":5,"soft":5}]"""));

    [Fact]
    public void CapabilityMustBeKnown() =>
        V.Fails("process.capabilities.bounding[3]: unknown capability \"CAP_FOO\"", d => d.Process()["capabilities"]!["bounding"]!.AsArray().Add("CAP_FOO"));

    [Fact]
    public void CapabilityMustBeWellFormed()
    {
        V.Fails("process.capabilities.ambient[0]: \"chown\" is not a capability name (expected CAP_* in upper case)",
            d => d.Process()["capabilities"]!["ambient"] = V.N("""["chown"]"""));
        V.Fails("process.capabilities.inheritable[0]: \"cap_chown\" is not a capability name (expected CAP_* in upper case)",
            d => d.Process()["capabilities"]!["inheritable"] = V.N("""["cap_chown"]"""));
    }

    [Fact]
    public void EveryKnownCapabilityPasses()
    {
        var all = new JsonArray([.. Capabilities.Names.Select(n => (JsonNode)n)]);
        V.Passes(d =>
        {
            foreach (string set in new[] { "bounding", "effective", "inheritable", "permitted", "ambient" })
                d.Process()["capabilities"]![set] = all.DeepClone();
        });
    }

    [Fact]
    public void UmaskMustFitPermissionBits()
    {
        V.Fails("process.user.umask: must be at most 0777, got 01000", d => d.Process()["user"]!["umask"] = 512);
        V.Passes(d => d.Process()["user"]!["umask"] = 18);
    }

    [Fact]
    public void OomScoreAdjRange()
    {
        V.Fails("process.oomScoreAdj: must be between -1000 and 1000, got 1001", d => d.Process()["oomScoreAdj"] = 1001);
        V.Passes(d => d.Process()["oomScoreAdj"] = -1000);
    }

    [Fact]
    public void SchedulerPolicyMustBeKnown() =>
        V.Fails("process.scheduler.policy: unknown scheduling policy \"SCHED_FAST\"", d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_FAST"}"""));

    [Fact]
    public void SchedulerFlagsMustBeKnown() => V.Fails("process.scheduler.flags[0]: unknown scheduler flag \"SCHED_FLAG_X\"",
        d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_OTHER","flags":["SCHED_FLAG_X"]}"""));

    [Fact]
    public void SchedulerNiceRange() => V.Fails("process.scheduler.nice: must be between -20 and 19, got 20",
        d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_OTHER","nice":20}"""));

    [Fact]
    public void SchedulerRealtimeNeedsPriority() => V.Fails("process.scheduler.priority: must be between 1 and 99 for SCHED_FIFO, got 0",
        d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_FIFO"}"""));

    [Fact]
    public void SchedulerPriorityOnlyForRealtime() =>
        V.Fails("process.scheduler.priority: only SCHED_FIFO and SCHED_RR take a priority, got 5 for SCHED_BATCH",
            d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_BATCH","priority":5}"""));

    [Fact]
    public void SchedulerDeadlineOrder() => V.Fails("process.scheduler.runtime: must not exceed deadline (20 > 10)",
        d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_DEADLINE","runtime":20,"deadline":10,"period":30}"""));

    [Fact]
    public void SchedulerDeadlineFieldsOnlyForDeadline() =>
        V.Fails("process.scheduler: runtime, deadline and period apply to SCHED_DEADLINE only, not SCHED_OTHER",
            d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_OTHER","runtime":20}"""));

    [Fact]
    public void SchedulerPasses()
    {
        V.Passes(d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_RR","priority":50,"flags":["SCHED_FLAG_RESET_ON_FORK"]}"""));
        V.Passes(d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_OTHER","nice":-5}"""));
        V.Passes(d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_DEADLINE","runtime":10,"deadline":20,"period":30}"""));
    }

    [Fact]
    public void IoPriority()
    {
        V.Fails("process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_X\"",
            d => d.Process()["ioPriority"] = V.N("""{"class":"IOPRIO_CLASS_X","priority":0}"""));
        V.Fails("process.ioPriority.priority: must be between 0 and 7, got 8",
            d => d.Process()["ioPriority"] = V.N("""{"class":"IOPRIO_CLASS_BE","priority":8}"""));
        V.Passes(d => d.Process()["ioPriority"] = V.N("""{"class":"IOPRIO_CLASS_RT","priority":7}"""));
    }

    [Fact]
    public void ExecCpuAffinity()
    {
        V.Fails("process.execCPUAffinity.final: invalid CPU list \"3-1\" (expected e.g. \"0-3,5\")",
            d => d.Process()["execCPUAffinity"] = V.N("""{"initial":"0","final":"3-1"}"""));
        V.Passes(d => d.Process()["execCPUAffinity"] = V.N("""{"initial":"0,2","final":"0-3,7"}"""));
    }

    [Fact]
    public void ValidateProcessUsesTheGivenPath()
    {
        var p = new Process { Cwd = "x" };
        Assert.Equal(["args: must not be empty", "cwd: must be an absolute path, got \"x\""],
            SpecValidator.ValidateProcess(p, "").Select(e => e.ToString()));
        Assert.Empty(SpecValidator.ValidateProcess(new Process { Cwd = "/", Args = ["true"] }));
    }
}
