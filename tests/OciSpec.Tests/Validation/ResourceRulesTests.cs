namespace OciSpec.Tests.Validation;

public class ResourceRulesTests
{
    [Fact]
    public void DeviceRuleTypeMustBeKnown() => V.Fails("linux.resources.devices[1].type: unknown device type \"p\" (expected a, c or b)",
        d => d.Resources()["devices"]!.AsArray().Add(V.N("""{"allow":true,"type":"p","access":"r"}""")));

    [Fact]
    public void DeviceRuleAccessIsRwm() => V.Fails("linux.resources.devices[1].access: must combine r, w and m, got \"rwx\"",
        d => d.Resources()["devices"]!.AsArray().Add(V.N("""{"allow":true,"type":"c","major":1,"minor":3,"access":"rwx"}""")));

    [Fact]
    public void DeviceRuleAccessIsRequiredLikeRunc() => V.Fails("linux.resources.devices[1].access: must not be empty",
        d => d.Resources()["devices"]!.AsArray().Add(V.N("""{"allow":true,"type":"c","major":1,"minor":3}""")));

    [Fact]
    public void DeviceRuleNumbers() => V.Fails("linux.resources.devices[1].major: must not be negative, got -2",
        d => d.Resources()["devices"]!.AsArray().Add(V.N("""{"allow":true,"type":"c","major":-2,"access":"r"}""")));

    [Fact]
    public void DeviceRulesPass() => V.Passes(d => d.Resources()["devices"] = V.N("""
        [{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"},
         {"allow":true,"type":"b","major":8,"access":"r"},{"allow":true,"type":"a","major":-1,"minor":-1,"access":"m"}]
        """));

    [Fact]
    public void MemoryLimitIsMinusOneOrPositive()
    {
        V.Fails("linux.resources.memory.limit: must be -1 (unlimited) or a byte count, got -2", d => d.Resources()["memory"] = V.N("""{"limit":-2}"""));
        V.Fails("linux.resources.memory.kernelTCP: must be -1 (unlimited) or a byte count, got -100", d => d.Resources()["memory"] = V.N("""{"kernelTCP":-100}"""));
        V.Passes(d => d.Resources()["memory"] = V.N("""{"limit":-1,"reservation":0,"swap":-1,"kernel":-1}"""));
    }

    [Fact]
    public void Swappiness() =>
        V.Fails("linux.resources.memory.swappiness: must be between 0 and 100, got 101", d => d.Resources()["memory"] = V.N("""{"swappiness":101}"""));

    [Fact]
    public void SwapIsMemoryPlusSwap()
    {
        V.Fails("linux.resources.memory.swap: memory+swap limit 1000 is below the memory limit 2000", d => d.Resources()["memory"] = V.N("""{"limit":2000,"swap":1000}"""));
        V.Passes(d => d.Resources()["memory"] = V.N("""{"limit":2000,"swap":2000,"swappiness":100}"""));
    }

    [Fact]
    public void CpuShares()
    {
        V.Fails("linux.resources.cpu.shares: must be between 2 and 262144, got 1", d => d.Resources()["cpu"] = V.N("""{"shares":1}"""));
        V.Fails("linux.resources.cpu.shares: must be between 2 and 262144, got 262145", d => d.Resources()["cpu"] = V.N("""{"shares":262145}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"shares":0}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"shares":1024}"""));
    }

    [Fact]
    public void CpuQuotaAndPeriod()
    {
        V.Fails("linux.resources.cpu.quota: must be -1 (unlimited) or at least 1000 microseconds, got 500", d => d.Resources()["cpu"] = V.N("""{"quota":500}"""));
        V.Fails("linux.resources.cpu.quota: must be -1 (unlimited) or at least 1000 microseconds, got -2", d => d.Resources()["cpu"] = V.N("""{"quota":-2}"""));
        V.Fails("linux.resources.cpu.period: must be between 1000 and 1000000 microseconds, got 100", d => d.Resources()["cpu"] = V.N("""{"period":100}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"quota":-1,"period":100000}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"quota":50000,"period":100000,"burst":50000}"""));
    }

    [Fact]
    public void CpuBurstNotAboveQuota() => V.Fails("linux.resources.cpu.burst: must not exceed quota (60000 > 50000)",
        d => d.Resources()["cpu"] = V.N("""{"quota":50000,"burst":60000}"""));

    [Fact]
    public void CpuRealtime()
    {
        V.Fails("linux.resources.cpu.realtimeRuntime: must not exceed realtimePeriod (2000000 > 1000000)",
            d => d.Resources()["cpu"] = V.N("""{"realtimeRuntime":2000000,"realtimePeriod":1000000}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"realtimeRuntime":950000,"realtimePeriod":1000000}"""));
    }

    [Fact]
    public void CpuIdle() => V.Fails("linux.resources.cpu.idle: must be 0 or 1, got 2", d => d.Resources()["cpu"] = V.N("""{"idle":2}"""));

    [Fact]
    public void CpusetLists()
    {
        V.Fails("linux.resources.cpu.cpus: invalid CPU list \"0-a\" (expected e.g. \"0-3,5\")", d => d.Resources()["cpu"] = V.N("""{"cpus":"0-a"}"""));
        V.Fails("linux.resources.cpu.mems: invalid memory node list \"1,,2\" (expected e.g. \"0-1\")", d => d.Resources()["cpu"] = V.N("""{"mems":"1,,2"}"""));
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"cpus":"0-3,5,7-8","mems":"0"}"""));
        // The kernel's list syntax also has strides, "N" for the last id and "all".
        V.Passes(d => d.Resources()["cpu"] = V.N("""{"cpus":"0-15:2/4,N","mems":"all"}"""));
        V.Fails("linux.resources.cpu.cpus: invalid CPU list \"5-2\" (expected e.g. \"0-3,5\")", d => d.Resources()["cpu"] = V.N("""{"cpus":"5-2"}"""));
    }

    [Fact]
    public void BlockIOWeights()
    {
        V.Fails("linux.resources.blockIO.weight: must be between 10 and 1000, got 5", d => d.Resources()["blockIO"] = V.N("""{"weight":5}"""));
        V.Fails("linux.resources.blockIO.weightDevice[0]: must set weight or leafWeight", d => d.Resources()["blockIO"] = V.N("""{"weightDevice":[{"major":8,"minor":0}]}"""));
        V.Fails("linux.resources.blockIO.weightDevice[0].leafWeight: must be between 10 and 1000, got 2000",
            d => d.Resources()["blockIO"] = V.N("""{"weightDevice":[{"major":8,"minor":0,"leafWeight":2000}]}"""));
        V.Fails("linux.resources.blockIO.throttleReadBpsDevice[0].minor: must not be negative, got -1",
            d => d.Resources()["blockIO"] = V.N("""{"throttleReadBpsDevice":[{"major":8,"minor":-1,"rate":600}]}"""));
        V.Passes(d => d.Resources()["blockIO"] = V.N("""
            {"weight":10,"leafWeight":1000,"weightDevice":[{"major":8,"minor":0,"weight":500,"leafWeight":300},{"major":8,"minor":16,"weight":500}],
             "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":600}],"throttleWriteBpsDevice":[{"major":8,"minor":0,"rate":600}],
             "throttleReadIOPSDevice":[{"major":8,"minor":0,"rate":60}],"throttleWriteIOPSDevice":[{"major":8,"minor":16,"rate":300}]}
            """));
    }

    [Fact]
    public void HugepageSize()
    {
        V.Fails("linux.resources.hugepageLimits[0].pageSize: must look like 64KB, 2MB or 1GB, got \"2M\"",
            d => d.Resources()["hugepageLimits"] = V.N("""[{"pageSize":"2M","limit":1}]"""));
        V.Passes(d => d.Resources()["hugepageLimits"] = V.N("""[{"pageSize":"2MB","limit":209715200},{"pageSize":"64KB","limit":1},{"pageSize":"1GB","limit":0}]"""));
    }

    [Fact]
    public void NetworkPriorityNeedsName()
    {
        V.Fails("linux.resources.network.priorities[1].name: must not be empty",
            d => d.Resources()["network"] = V.N("""{"classID":1048577,"priorities":[{"name":"eth0","priority":500},{"name":"","priority":1}]}"""));
        V.Passes(d => d.Resources()["network"] = V.N("""{"classID":1048577,"priorities":[{"name":"eth0","priority":500}]}"""));
    }

    [Fact]
    public void RdmaNeedsALimit()
    {
        V.Fails("linux.resources.rdma[\"mlx4_0\"]: must set hcaHandles or hcaObjects", d => d.Resources()["rdma"] = V.N("""{"mlx4_0":{}}"""));
        V.Passes(d => d.Resources()["rdma"] = V.N("""{"mlx5_1":{"hcaHandles":3,"hcaObjects":10000},"mlx4_0":{"hcaObjects":1000}}"""));
    }

    [Fact]
    public void UnifiedKeysAreControllerFiles()
    {
        V.Fails("linux.resources.unified[\"../cgroup.procs\"]: must be a file name in the cgroup directory", d => d.Resources()["unified"] = V.N("""{"../cgroup.procs":"1"}"""));
        V.Fails("linux.resources.unified[\"memorymax\"]: must be of the form CONTROLLER.PARAMETER", d => d.Resources()["unified"] = V.N("""{"memorymax":"1"}"""));
        V.Passes(d => d.Resources()["unified"] = V.N("""{"io.max":"259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152","hugetlb.1GB.max":"1073741824","memory.high":"max"}"""));
    }

    [Fact]
    public void ValidateResourcesForUpdateUsesTheGivenPath()
    {
        LinuxResources res = OciJson.ParseResources(Json.Utf8("""{"memory":{"limit":-7},"pids":{"limit":-1}}"""));
        Assert.Equal(["memory.limit: must be -1 (unlimited) or a byte count, got -7"],
            SpecValidator.ValidateResources(res, "").Select(e => e.ToString()));
    }
}
