namespace OciSpec.Tests.Validation;

/// <summary>JSON nulls inside arrays and maps get through the parser (Go reads them as zero values); the validator names them.</summary>
public class NullEntryTests
{
    [Theory]
    [InlineData("process.args[1]: must be a string, got null", "process", "args", """["sh",null]""")]
    [InlineData("process.env[0]: must be a string, got null", "process", "env", """[null]""")]
    [InlineData("process.rlimits[0]: must be an object, got null", "process", "rlimits", """[null]""")]
    [InlineData("linux.namespaces[0]: must be an object, got null", "linux", "namespaces", """[null,{"type":"mount"}]""")]
    [InlineData("linux.devices[0]: must be an object, got null", "linux", "devices", """[null]""")]
    [InlineData("linux.uidMappings[0]: must be an object, got null", "linux", "uidMappings", """[null]""")]
    [InlineData("linux.sysctl[\"net.core.somaxconn\"]: must be a string, got null", "linux", "sysctl", """{"net.core.somaxconn":null}""")]
    [InlineData("linux.timeOffsets[\"boottime\"]: must be an object, got null", "linux", "timeOffsets", """{"boottime":null}""")]
    public void NullEntriesAreNamed(string expected, string section, string field, string json)
    {
        List<string> errors = V.Errors(d =>
        {
            d[section]![field] = V.N(json);
            if (field == "uidMappings") { d.AddNamespace("user"); d.Linux()["gidMappings"] = V.N("""[{"containerID":0,"hostID":1,"size":1}]"""); }
            if (field == "timeOffsets") d.AddNamespace("time");
        });
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void OtherNulls()
    {
        V.Fails("annotations[\"a\"]: must be a string, got null", d => d["annotations"] = V.N("""{"a":null}"""));
        V.Fails("mounts[0]: must be an object, got null", d => d["mounts"] = V.N("""[null]"""));
        V.Fails("hooks.poststop[0]: must be an object, got null", d => d["hooks"] = V.N("""{"poststop":[null]}"""));
        V.Fails("process.capabilities.bounding[0]: must be a string, got null", d => d.Process()["capabilities"]!["bounding"] = V.N("""[null]"""));
        V.Fails("linux.resources.unified[\"memory.max\"]: must be a string, got null", d => d.Resources()["unified"] = V.N("""{"memory.max":null}"""));
        V.Fails("linux.seccomp.syscalls[0]: must be an object, got null", d => d.Linux()["seccomp"] = V.N("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[null]}"""));
    }

    [Fact]
    public void SysctlNamesMustBeWellFormed() =>
        V.Fails("linux.sysctl[\"net..core\"]: is not a valid sysctl name", d => d.Linux()["sysctl"] = V.N("""{"net..core":"1"}"""));

    [Fact]
    public void DomainnameSysctlRequiresUts() => V.Fails("linux.sysctl[\"kernel.domainname\"]: requires a uts namespace in linux.namespaces", d =>
    {
        d.Remove("hostname");
        d.RemoveNamespace("uts");
        d.Linux()["sysctl"] = V.N("""{"kernel.domainname":"example.org"}""");
    });

    [Fact]
    public void SchedulerDeadlineNotAbovePeriod() => V.Fails("process.scheduler.deadline: must not exceed period (40 > 30)",
        d => d.Process()["scheduler"] = V.N("""{"policy":"SCHED_DEADLINE","runtime":10,"deadline":40,"period":30}"""));

    [Fact]
    public void ContainerIdRangeMustFit32Bits() =>
        V.Fails("linux.gidMappings[0]: containerID 4294967295 + size 2 exceeds the 32-bit id range", d =>
        {
            d.AddUserNamespace();
            d.Linux()["gidMappings"] = V.N("""[{"containerID":4294967295,"hostID":0,"size":2}]""");
        });
}
