using System.Text.Json.Nodes;

namespace OciSpec.Tests.Validation;

public class LinuxRulesTests
{
    [Fact]
    public void NamespaceTypeMustBeKnown() =>
        V.Fails("linux.namespaces[6].type: unknown namespace type \"foo\"", d => d.AddNamespace("foo"));

    [Fact]
    public void NamespaceTypeMustNotRepeat() =>
        V.Fails("linux.namespaces[6].type: duplicate namespace type \"pid\"", d => d.AddNamespace("pid", "/proc/1/ns/pid"));

    [Fact]
    public void NamespacePathMustBeAbsolute() =>
        V.Fails("linux.namespaces[6].path: must be an absolute path, got \"ns/time\"", d => d.AddNamespace("time", "ns/time"));

    [Fact]
    public void EveryNamespaceTypePasses() => V.Passes(d => { d.AddUserNamespace(); d.AddNamespace("time", "/proc/9/ns/time"); });

    [Fact]
    public void IdMappingsRequireUserNamespace()
    {
        List<string> errors = V.Errors(d =>
        {
            d.Linux()["uidMappings"] = V.N("""[{"containerID":0,"hostID":1000,"size":1}]""");
            d.Linux()["gidMappings"] = V.N("""[{"containerID":0,"hostID":1000,"size":1}]""");
        });
        Assert.Equal(["linux.uidMappings: requires a user namespace in linux.namespaces",
                      "linux.gidMappings: requires a user namespace in linux.namespaces"], errors);
    }

    [Fact]
    public void NewUserNamespaceRequiresMappings()
    {
        Assert.Equal(["linux.uidMappings: must not be empty when a new user namespace is created",
                      "linux.gidMappings: must not be empty when a new user namespace is created"],
            V.Errors(d => d.AddNamespace("user")));
    }

    [Fact]
    public void JoinedUserNamespaceNeedsNoMappings() => V.Passes(d => d.AddNamespace("user", "/proc/42/ns/user"));

    [Fact]
    public void IdMappingRangeMustFit32Bits() =>
        V.Fails("linux.uidMappings[0]: hostID 4294967295 + size 2 exceeds the 32-bit id range", d =>
        {
            d.AddUserNamespace();
            d.Linux()["uidMappings"] = V.N("""[{"containerID":0,"hostID":4294967295,"size":2}]""");
        });

    [Fact]
    public void DeviceTypeMustBeKnown() => V.Fails("linux.devices[0].type: unknown device type \"x\" (expected c, b, u or p)",
        d => d.Linux()["devices"] = V.N("""[{"path":"/dev/x","type":"x","major":1,"minor":3}]"""));

    [Fact]
    public void DevicePathMustBeAbsolute() => V.Fails("linux.devices[0].path: must be an absolute path, got \"dev/null\"",
        d => d.Linux()["devices"] = V.N("""[{"path":"dev/null","type":"c","major":1,"minor":3}]"""));

    [Fact]
    public void DeviceNumbersMustBeInRange()
    {
        V.Fails("linux.devices[0].major: must be between 0 and 4095, got -1",
            d => d.Linux()["devices"] = V.N("""[{"path":"/dev/x","type":"c","major":-1,"minor":3}]"""));
        V.Fails("linux.devices[0].minor: must be between 0 and 1048575, got 1048576",
            d => d.Linux()["devices"] = V.N("""[{"path":"/dev/x","type":"b","major":8,"minor":1048576}]"""));
    }

    [Fact]
    public void DeviceNumbersAreRequiredExceptForFifos()
    {
        V.Fails("linux.devices[0]: major and minor are required for type c (0:0 is not a device)",
            d => d.Linux()["devices"] = V.N("""[{"path":"/dev/x","type":"c"}]"""));
        V.Passes(d => d.Linux()["devices"] = V.N("""[{"path":"/dev/fifo","type":"p"}]"""));
    }

    [Fact]
    public void DeviceFileModeIsPermissionBits() => V.Fails("linux.devices[0].fileMode: must hold permission bits (at most 07777), optionally with the file type bits of type c (020000), got 0120666",
        d => d.Linux()["devices"] = V.N("""[{"path":"/dev/x","type":"c","major":1,"minor":3,"fileMode":41398}]"""));

    // podman sends the host node's st_mode (`podman run --device /dev/null` gives 020666); runc takes it.
    [Fact]
    public void DeviceFileModeMayCarryTheMatchingTypeBits()
    {
        V.Passes(d => d.Linux()["devices"] = V.N("""
            [{"path":"/dev/mynull","type":"c","major":1,"minor":3,"fileMode":8630},
             {"path":"/dev/sda","type":"b","major":8,"minor":0,"fileMode":24992},
             {"path":"/run/fifo","type":"p","fileMode":4516}]
            """));
        V.Fails("linux.devices[0].fileMode: must hold permission bits (at most 07777), optionally with the file type bits of type b (060000), got 020666",
            d => d.Linux()["devices"] = V.N("""[{"path":"/dev/sda","type":"b","major":8,"minor":0,"fileMode":8630}]"""));
    }

    [Fact]
    public void DevicesPass() => V.Passes(d => d.Linux()["devices"] = V.N("""
        [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438,"uid":0,"gid":0},
         {"path":"/dev/sda","type":"b","major":8,"minor":0},
         {"path":"/dev/ttyX","type":"u","major":4,"minor":70},
         {"path":"/run/fifo","type":"p"}]
        """));

    [Fact]
    public void SysctlKeysMustNotBeEmpty() =>
        V.Fails("linux.sysctl: keys must not be empty", d => d.Linux()["sysctl"] = V.N("""{"":"1"}"""));

    [Fact]
    public void NetSysctlRequiresNetworkNamespace() => V.Fails("linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace in linux.namespaces", d =>
    {
        d.RemoveNamespace("network");
        d.Linux()["sysctl"] = V.N("""{"net.ipv4.ip_forward":"1"}""");
    });

    [Fact]
    public void IpcSysctlRequiresIpcNamespace() => V.Fails("linux.sysctl[\"fs.mqueue.msg_max\"]: requires an ipc namespace in linux.namespaces", d =>
    {
        d.RemoveNamespace("ipc");
        d.Linux()["sysctl"] = V.N("""{"fs.mqueue.msg_max":"20"}""");
    });

    [Fact]
    public void SysctlsInJoinedNamespacesPass() => V.Passes(d =>
    {
        // Whether a joined namespace is the host's own is a host-side check for the runtime.
        d.RemoveNamespace("ipc");
        d.RemoveNamespace("network");
        d.AddNamespace("ipc", "/proc/1/ns/ipc");
        d.AddNamespace("network", "/var/run/netns/a");
        d.Linux()["sysctl"] = V.N("""{"kernel.sem":"250 32000 100 128","net.ipv4.ping_group_range":"0 0"}""");
    });

    [Fact]
    public void NonNamespacedSysctlIsRejected() =>
        V.Fails("linux.sysctl[\"vm.swappiness\"]: is not namespaced; setting it would change the host", d => d.Linux()["sysctl"] = V.N("""{"vm.swappiness":"10"}"""));

    [Fact]
    public void KernelHostnameSysctlIsRejected() =>
        V.Fails("linux.sysctl[\"kernel.hostname\"]: is not allowed; use the hostname field", d => d.Linux()["sysctl"] = V.N("""{"kernel.hostname":"x"}"""));

    [Fact]
    public void NamespacedSysctlsPass() => V.Passes(d => d.Linux()["sysctl"] = V.N(
        """{"net.ipv4.ip_forward":"1","net/core/somaxconn":"256","kernel.shmmax":"1","kernel.msgmax":"8192","fs.mqueue.queues_max":"3","kernel.domainname":"example.org"}"""));

    [Fact]
    public void RootfsPropagationMustBeKnown() =>
        V.Fails("linux.rootfsPropagation: unknown propagation \"sideways\" (expected shared, slave, private, unbindable or their r-prefixed forms)",
            d => d.Linux()["rootfsPropagation"] = "sideways");

    [Theory]
    [InlineData("shared")] [InlineData("slave")] [InlineData("private")] [InlineData("unbindable")]
    [InlineData("rshared")] [InlineData("rslave")] [InlineData("rprivate")] [InlineData("runbindable")]
    public void RootfsPropagationPasses(string value) => V.Passes(d => d.Linux()["rootfsPropagation"] = value);

    [Fact]
    public void MaskedAndReadonlyPathsMustBeAbsolute()
    {
        V.Fails("linux.maskedPaths[10]: must be an absolute path, got \"proc/kcore\"", d => d.Linux()["maskedPaths"]!.AsArray().Add("proc/kcore"));
        V.Fails("linux.readonlyPaths[5]: must be an absolute path, got \"\"", d => d.Linux()["readonlyPaths"]!.AsArray().Add(""));
    }

    [Fact]
    public void PersonalityDomainMustBeKnown()
    {
        V.Fails("linux.personality.domain: unknown personality domain \"LINUX64\" (expected LINUX or LINUX32)",
            d => d.Linux()["personality"] = V.N("""{"domain":"LINUX64"}"""));
        V.Fails("linux.personality.flags[0]: unknown personality flag \"ADDR_NO_RANDOMIZE\" (none are defined)",
            d => d.Linux()["personality"] = V.N("""{"domain":"LINUX","flags":["ADDR_NO_RANDOMIZE"]}"""));
        V.Passes(d => d.Linux()["personality"] = V.N("""{"domain":"LINUX32"}"""));
    }

    [Fact]
    public void TimeOffsetsNeedNewTimeNamespace()
    {
        V.Fails("linux.timeOffsets: requires a new time namespace in linux.namespaces",
            d => d.Linux()["timeOffsets"] = V.N("""{"boottime":{"secs":1}}"""));
        V.Fails("linux.timeOffsets: requires a new time namespace in linux.namespaces", d =>
        {
            d.AddNamespace("time", "/proc/1/ns/time");
            d.Linux()["timeOffsets"] = V.N("""{"boottime":{"secs":1}}""");
        });
    }

    [Fact]
    public void TimeOffsetClocksAreBoottimeAndMonotonic() => V.Fails("linux.timeOffsets[\"realtime\"]: unknown clock (expected boottime or monotonic)", d =>
    {
        d.AddNamespace("time");
        d.Linux()["timeOffsets"] = V.N("""{"realtime":{"secs":1},"monotonic":{"secs":-5}}""");
    });

    [Fact]
    public void TimeOffsetNanosecondsBelowOneSecond() => V.Fails("linux.timeOffsets[\"boottime\"].nanosecs: must be below 1000000000, got 1000000000", d =>
    {
        d.AddNamespace("time");
        d.Linux()["timeOffsets"] = V.N("""{"boottime":{"nanosecs":1000000000}}""");
    });

    [Fact]
    public void TimeOffsetsPass() => V.Passes(d =>
    {
        d.AddNamespace("time");
        d.Linux()["timeOffsets"] = V.N("""{"boottime":{"secs":604800,"nanosecs":999999999},"monotonic":{"secs":-10}}""");
    });

    [Fact]
    public void NetDeviceNamesMustBeValid()
    {
        V.Fails("linux.netDevices[\"eth/0\"]: is not a valid network device name (1-15 characters, no '/', ':' or whitespace)",
            d => d.Linux()["netDevices"] = V.N("""{"eth/0":{}}"""));
        V.Fails("linux.netDevices[\"eth0\"].name: \"a-very-long-interface\" is not a valid network device name (1-15 characters, no '/', ':' or whitespace)",
            d => d.Linux()["netDevices"] = V.N("""{"eth0":{"name":"a-very-long-interface"}}"""));
    }

    [Fact]
    public void NetDevicesNeedNetworkNamespace() => V.Fails("linux.netDevices: requires a network namespace in linux.namespaces", d =>
    {
        d.RemoveNamespace("network");
        d.Linux()["netDevices"] = V.N("""{"eth1":{}}""");
    });

    [Fact]
    public void NetDevicesMustNotCollideInside() => V.Fails("linux.netDevices[\"eth2\"]: another device is also named \"eth1\" in the container",
        d => d.Linux()["netDevices"] = V.N("""{"eth1":{},"eth2":{"name":"eth1"}}"""));

    [Fact]
    public void NetDevicesPass()
    {
        V.Passes(d => d.Linux()["netDevices"] = V.N("""{"eth1":{"name":"eth0"},"ens4":{}}"""));
        // "%d" templates are numbered by the kernel, so two of them do not collide.
        V.Passes(d => d.Linux()["netDevices"] = V.N("""{"eth1":{"name":"net%d"},"eth2":{"name":"net%d"}}"""));
    }

    [Fact]
    public void MemoryPolicy()
    {
        V.Fails("linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_X\"", d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_X","nodes":""}"""));
        V.Fails("linux.memoryPolicy.nodes: must not be empty for MPOL_BIND", d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_BIND","nodes":""}"""));
        V.Fails("linux.memoryPolicy.nodes: must be empty for MPOL_LOCAL", d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_LOCAL","nodes":"0"}"""));
        V.Fails("linux.memoryPolicy.nodes: invalid node list \"0-\" (expected e.g. \"0-3,5\")", d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_BIND","nodes":"0-"}"""));
        V.Fails("linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\"", d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_BIND","nodes":"0","flags":["MPOL_F_X"]}"""));
        V.Passes(d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_INTERLEAVE","nodes":"0-3,5","flags":["MPOL_F_STATIC_NODES"]}"""));
        V.Passes(d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_PREFERRED","nodes":""}"""));
        V.Passes(d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_DEFAULT","nodes":""}"""));
        V.Passes(d => d.Linux()["memoryPolicy"] = V.N("""{"mode":"MPOL_LOCAL"}"""));
    }

    [Fact]
    public void IntelRdt()
    {
        V.Fails("linux.intelRdt.closID: must be a plain directory name, got \"../x\"", d => d.Linux()["intelRdt"] = V.N("""{"closID":"../x"}"""));
        V.Fails("linux.intelRdt.memBwSchema: must start with \"MB:\" and be a single line, got \"L3:0=f\"", d => d.Linux()["intelRdt"] = V.N("""{"memBwSchema":"L3:0=f"}"""));
        V.Fails("linux.intelRdt.schemata[1]: must be a single non-empty line, got \"MB:0=20\\nL2:0=f\"",
            d => d.Linux()["intelRdt"] = V.N("""{"schemata":["L3:0=7f0","MB:0=20\nL2:0=f"]}"""));
        V.Passes(d => d.Linux()["intelRdt"] = V.N("""{"closID":"guaranteed_group","l3CacheSchema":"L3:0=7f0;1=1f","memBwSchema":"MB:0=20;1=70"}"""));
        V.Passes(d => d.Linux()["intelRdt"] = V.N("""{"closID":"/"}"""));
        V.Passes(d => d.Linux()["intelRdt"] = V.N("""{"closID":"g","schemata":["L3:0=7f0;1=1f","L2:0=f;1=f;2=f;3=f","MB:0=20;1=70"],"enableMonitoring":true}"""));
    }
}
