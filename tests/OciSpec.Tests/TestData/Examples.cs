namespace OciSpec.Tests.TestData;

/// <summary>JSON documents copied from the runtime-spec (config.md, config-linux.md, runtime.md, features.md).</summary>
internal static class Examples
{
    /// <summary>config.md "Configuration Schema Example" as in schema/test/config/good/spec-example.json (ociVersion as
    /// written there), without that file's two stale fields (linux.timeOffset, linux.resources.oomScoreAdj), which no
    /// schema version defines; <see cref="RoundTripTests"/> checks separately that such fields are ignored.</summary>
    public const string ConfigMdFull = """
    {
        "ociVersion": "0.5.0-dev",
        "process": {
            "terminal": true,
            "user": { "uid": 1, "gid": 1, "additionalGids": [5, 6] },
            "args": ["sh"],
            "env": [
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "TERM=xterm"
            ],
            "cwd": "/",
            "capabilities": {
                "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "inheritable": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "effective": ["CAP_AUDIT_WRITE", "CAP_KILL"],
                "ambient": ["CAP_NET_BIND_SERVICE"]
            },
            "rlimits": [
                { "type": "RLIMIT_CORE", "hard": 1024, "soft": 1024 },
                { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 }
            ],
            "apparmorProfile": "acme_secure_profile",
            "oomScoreAdj": 100,
            "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
            "noNewPrivileges": true
        },
        "root": { "path": "rootfs", "readonly": true },
        "hostname": "slartibartfast",
        "mounts": [
            { "destination": "/proc", "type": "proc", "source": "proc" },
            { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
              "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] },
            { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
              "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
            { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
              "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
            { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
              "options": ["nosuid", "noexec", "nodev"] },
            { "destination": "/sys", "type": "sysfs", "source": "sysfs",
              "options": ["nosuid", "noexec", "nodev"] },
            { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
              "options": ["nosuid", "noexec", "nodev", "relatime", "ro"] }
        ],
        "hooks": {
            "prestart": [
                { "path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1", "arg2"], "env": ["key1=value1"] },
                { "path": "/usr/bin/setup-network" }
            ],
            "createRuntime": [
                { "path": "/usr/bin/fix-mounts", "args": ["fix-mounts", "arg1", "arg2"], "env": ["key1=value1"] },
                { "path": "/usr/bin/setup-network" }
            ],
            "createContainer": [ { "path": "/usr/bin/mount-hook", "args": ["-mount", "arg1", "arg2"], "env": ["key1=value1"] } ],
            "startContainer": [ { "path": "/usr/bin/refresh-ldcache" } ],
            "poststart": [ { "path": "/usr/bin/notify-start", "timeout": 5 } ],
            "poststop": [ { "path": "/usr/sbin/cleanup.sh", "args": ["cleanup.sh", "-f"] } ]
        },
        "linux": {
            "devices": [
                { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 },
                { "path": "/dev/sda", "type": "b", "major": 8, "minor": 0, "fileMode": 432, "uid": 0, "gid": 0 }
            ],
            "uidMappings": [ { "containerID": 0, "hostID": 1000, "size": 32000 } ],
            "gidMappings": [ { "containerID": 0, "hostID": 1000, "size": 32000 } ],
            "sysctl": { "net.ipv4.ip_forward": "1", "net.core.somaxconn": "256" },
            "cgroupsPath": "/myRuntime/myContainer",
            "resources": {
                "network": {
                    "classID": 1048577,
                    "priorities": [ { "name": "eth0", "priority": 500 }, { "name": "eth1", "priority": 1000 } ]
                },
                "pids": { "limit": 32771 },
                "hugepageLimits": [
                    { "pageSize": "2MB", "limit": 9223372036854772000 },
                    { "pageSize": "64KB", "limit": 1000000 }
                ],
                "memory": {
                    "limit": 536870912, "reservation": 536870912, "swap": 536870912,
                    "kernel": -1, "kernelTCP": -1, "swappiness": 0, "disableOOMKiller": false,
                    "useHierarchy": false
                },
                "cpu": {
                    "shares": 1024, "quota": 1000000, "period": 500000,
                    "realtimeRuntime": 950000, "realtimePeriod": 1000000, "cpus": "2-3", "mems": "0-7"
                },
                "devices": [
                    { "allow": false, "access": "rwm" },
                    { "allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw" },
                    { "allow": true, "type": "b", "major": 8, "minor": 0, "access": "r" }
                ],
                "blockIO": {
                    "weight": 10,
                    "leafWeight": 10,
                    "weightDevice": [
                        { "major": 8, "minor": 0, "weight": 500, "leafWeight": 300 },
                        { "major": 8, "minor": 16, "weight": 500 }
                    ],
                    "throttleReadBpsDevice": [ { "major": 8, "minor": 0, "rate": 600 } ],
                    "throttleWriteIOPSDevice": [ { "major": 8, "minor": 16, "rate": 300 } ]
                }
            },
            "rootfsPropagation": "slave",
            "seccomp": {
                "defaultAction": "SCMP_ACT_ALLOW",
                "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [ { "names": ["getcwd", "chmod"], "action": "SCMP_ACT_ERRNO" } ]
            },
            "namespaces": [
                { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" },
                { "type": "mount" }, { "type": "user" }, { "type": "cgroup" }, { "type": "time" }
            ],
            "maskedPaths": ["/proc/kcore", "/proc/latency_stats", "/proc/timer_stats", "/proc/sched_debug"],
            "readonlyPaths": ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
            "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811"
        },
        "annotations": { "com.example.key1": "value1", "com.example.key2": "value2" }
    }
    """;

    /// <summary>config-linux.md section examples (namespaces, devices, cgroups, RDT, seccomp, ...) plus the
    /// config.md Linux process example and the newer process/linux fields, combined into one document.</summary>
    public const string ConfigLinuxSnippets = """
    {
        "ociVersion": "1.2.1",
        "process": {
            "terminal": true,
            "consoleSize": { "height": 25, "width": 80 },
            "user": { "uid": 1, "gid": 1, "umask": 18, "additionalGids": [5, 6] },
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            "cwd": "/root",
            "args": ["sh"],
            "apparmorProfile": "acme_secure_profile",
            "selinuxLabel": "system_u:system_r:svirt_lxc_net_t:s0:c124,c675",
            "noNewPrivileges": true,
            "capabilities": {
                "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "permitted": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "inheritable": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
                "effective": ["CAP_AUDIT_WRITE", "CAP_KILL"],
                "ambient": ["CAP_NET_BIND_SERVICE"]
            },
            "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
            "scheduler": { "policy": "SCHED_DEADLINE", "flags": ["SCHED_FLAG_RESET_ON_FORK"],
                           "runtime": 10000000, "deadline": 20000000, "period": 30000000 },
            "ioPriority": { "class": "IOPRIO_CLASS_IDLE", "priority": 4 },
            "execCPUAffinity": { "initial": "7", "final": "0-3,7" }
        },
        "root": { "path": "rootfs" },
        "hostname": "mrsdalloway",
        "domainname": "example.org",
        "linux": {
            "namespaces": [
                { "type": "pid", "path": "/proc/1234/ns/pid" },
                { "type": "network", "path": "/var/run/netns/neta" },
                { "type": "mount" }, { "type": "ipc" }, { "type": "uts" }, { "type": "user" },
                { "type": "cgroup" }, { "type": "time" }
            ],
            "uidMappings": [ { "containerID": 0, "hostID": 1000, "size": 32000 } ],
            "gidMappings": [ { "containerID": 0, "hostID": 1000, "size": 32000 } ],
            "timeOffsets": {
                "monotonic": { "secs": 172800 },
                "boottime": { "secs": 604800, "nanosecs": 12 }
            },
            "devices": [
                { "path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0 },
                { "path": "/dev/sda", "type": "b", "major": 8, "minor": 0, "fileMode": 432, "uid": 0, "gid": 0 }
            ],
            "cgroupsPath": "/myRuntime/myContainer",
            "resources": {
                "memory": {
                    "limit": 536870912, "reservation": 536870912, "swap": 536870912,
                    "kernel": -1, "kernelTCP": -1, "swappiness": 0, "disableOOMKiller": false,
                    "useHierarchy": true, "checkBeforeUpdate": true
                },
                "devices": [
                    { "allow": false, "access": "rwm" },
                    { "allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw" },
                    { "allow": true, "type": "b", "major": 8, "minor": 0, "access": "r" }
                ],
                "cpu": {
                    "shares": 1024, "quota": 1000000, "burst": 1000000, "period": 500000,
                    "realtimeRuntime": 950000, "realtimePeriod": 1000000,
                    "cpus": "2-3", "mems": "0-7", "idle": 0
                },
                "blockIO": {
                    "weight": 10, "leafWeight": 10,
                    "weightDevice": [
                        { "major": 8, "minor": 0, "weight": 500, "leafWeight": 300 },
                        { "major": 8, "minor": 16, "weight": 500 }
                    ],
                    "throttleReadBpsDevice": [ { "major": 8, "minor": 0, "rate": 600 } ],
                    "throttleWriteIOPSDevice": [ { "major": 8, "minor": 16, "rate": 300 } ]
                },
                "hugepageLimits": [ { "pageSize": "2MB", "limit": 209715200 }, { "pageSize": "64KB", "limit": 1000000 } ],
                "network": {
                    "classID": 1048577,
                    "priorities": [ { "name": "eth0", "priority": 500 }, { "name": "eth1", "priority": 1000 } ]
                },
                "pids": { "limit": 32771 },
                "rdma": {
                    "mlx5_1": { "hcaHandles": 3, "hcaObjects": 10000 },
                    "mlx4_0": { "hcaObjects": 1000 },
                    "rxe3": { "hcaObjects": 10000 }
                },
                "unified": {
                    "io.max": "259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152 wiops=120",
                    "hugetlb.1GB.max": "1073741824"
                }
            },
            "intelRdt": {
                "closID": "guaranteed_group",
                "schemata": ["L3:0=7f0;1=1f", "L2:0=f;1=f;2=f;3=f", "MB:0=20;1=70"],
                "l3CacheSchema": "L3:0=7f0;1=1f",
                "memBwSchema": "MB:0=20;1=70",
                "enableMonitoring": true,
                "enableCMT": true,
                "enableMBM": true
            },
            "sysctl": { "net.ipv4.ip_forward": "1", "net.core.somaxconn": "256" },
            "seccomp": {
                "defaultAction": "SCMP_ACT_ALLOW",
                "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                "syscalls": [ { "names": ["getcwd", "chmod"], "action": "SCMP_ACT_ERRNO" } ]
            },
            "rootfsPropagation": "slave",
            "maskedPaths": ["/proc/kcore"],
            "readonlyPaths": ["/proc/sys"],
            "mountLabel": "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811",
            "personality": { "domain": "LINUX" },
            "memoryPolicy": { "mode": "MPOL_INTERLEAVE", "nodes": "2-3", "flags": ["MPOL_F_STATIC_NODES"] },
            "netDevices": { "eth1": { "name": "eth0" }, "ens4": {} }
        }
    }
    """;

    /// <summary>config-linux.md "The Container Process State" example.</summary>
    public const string ContainerProcessState = """
    {
        "ociVersion": "1.0.2",
        "fds": [ "seccompFd" ],
        "pid": 4422,
        "metadata": "MKNOD=/dev/null,/dev/net/tun;BPF_MAP_TYPES=hash,array",
        "state": {
            "ociVersion": "1.0.2",
            "id": "oci-container1",
            "status": "creating",
            "pid": 4422,
            "bundle": "/containers/redis",
            "annotations": { "myKey": "myValue" }
        }
    }
    """;

    /// <summary>runtime.md "State" example.</summary>
    public const string State = """
    {
        "ociVersion": "0.2.0",
        "id": "oci-container1",
        "status": "running",
        "pid": 4422,
        "bundle": "/containers/redis",
        "annotations": { "myKey": "myValue" }
    }
    """;

    /// <summary>features.md full example, plus the features-linux.md intelRdt and memoryPolicy examples.</summary>
    public const string Features = """
    {
      "ociVersionMin": "1.0.0",
      "ociVersionMax": "1.1.0-rc.2",
      "hooks": ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
      "mountOptions": [
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
        "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "nosymfollow", "private", "ratime", "rbind", "rdev", "rdiratime", "relatime",
        "remount", "rexec", "rnoatime", "rnodev", "rnodiratime", "rnoexec", "rnorelatime", "rnostrictatime",
        "rnosuid", "rnosymfollow", "ro", "rprivate", "rrelatime", "rro", "rrw", "rshared", "rslave",
        "rstrictatime", "rsuid", "rsymfollow", "runbindable", "rw", "shared", "silent", "slave", "strictatime",
        "suid", "symfollow", "sync", "tmpcopyup", "unbindable"
      ],
      "linux": {
        "namespaces": ["cgroup", "ipc", "mount", "network", "pid", "user", "uts"],
        "capabilities": [
          "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
          "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
          "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
          "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
          "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"
        ],
        "cgroup": { "v1": true, "v2": true, "systemd": true, "systemdUser": true, "rdma": true },
        "seccomp": {
          "enabled": true,
          "actions": [
            "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"
          ],
          "operators": [
            "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"
          ],
          "archs": [
            "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"
          ],
          "knownFlags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"],
          "supportedFlags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"]
        },
        "apparmor": { "enabled": true },
        "selinux": { "enabled": true },
        "intelRdt": { "enabled": true, "schemata": true, "monitoring": true },
        "memoryPolicy": {
          "modes": ["MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"],
          "flags": ["MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"]
        },
        "mountExtensions": { "idmap": { "enabled": true } },
        "netDevices": { "enabled": true }
      },
      "annotations": {
        "io.github.seccomp.libseccomp.version": "2.5.4",
        "org.opencontainers.runc.checkpoint.enabled": "true",
        "org.opencontainers.runc.commit": "v1.1.0-534-g26851168",
        "org.opencontainers.runc.version": "1.1.0+dev"
      },
      "potentiallyUnsafeConfigAnnotations": ["com.example.foo.bar", "org.systemd.property."]
    }
    """;
}
