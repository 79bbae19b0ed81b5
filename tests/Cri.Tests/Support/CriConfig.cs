namespace Cri.Tests.Support;

/// <summary>
/// The files a private containerd with the CRI plugin reads: its config.toml and one CNI network. Everything
/// points under <see cref="Dir"/>; nothing reaches the network (the sandbox image is imported, never pulled).
/// </summary>
public sealed record CriConfig(string Dir, string Runtime)
{
    public const string CgroupParent = "/ocirun-test-cri";
    public const string Network = "ocirun-test-cri";
    /// <summary>The CNI bridge: a name of our own (at most 15 bytes), deleted at the end.</summary>
    public const string Bridge = "ocirun-test0";
    /// <summary>Pod addresses. Nothing leaves the machine: no masquerade, no default route out of the bridge.</summary>
    public const string Subnet = "10.199.77.0/24";
    public const string BusyboxImage = "docker.io/library/ocirun-test-busybox:latest";
    public const string PauseImage = "docker.io/library/ocirun-test-pause:latest";

    public string Address => Path.Join(Dir, "containerd.sock");
    public string ConfigFile => Path.Join(Dir, "config.toml");
    public string CniConfDir => Path.Join(Dir, "cni");
    public string IpamDir => Path.Join(Dir, "ipam");
    /// <summary>The --root the shim gives the runtime (the runc options' Root): one directory per container.</summary>
    public string RuntimeRoot => Path.Join(Dir, "runtime");
    public string RuntimeNamespaceRoot => Path.Join(RuntimeRoot, "k8s.io");
    public string StateDir => Path.Join(Dir, "state");
    public string LogDir => Path.Join(Dir, "logs");

    public string ContainerdToml()
    {
        // Plugins that only cost start-up time or reach outside our directories are off.
        string[] disabled =
        [
            "io.containerd.internal.v1.opt", "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp",
            "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
            "io.containerd.snapshotter.v1.zfs",
        ];
        const string cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return $"""
            version = 2
            root = "{Path.Join(Dir, "root")}"
            state = "{StateDir}"
            disabled_plugins = [{string.Join(", ", disabled.Select(p => $"\"{p}\""))}]
            [grpc]
              address = "{Address}"
            [ttrpc]
              address = "{Address}.ttrpc"
            [debug]
              level = "debug"
            [{cri}]
              sandbox_image = "{PauseImage}"
              stream_server_address = "127.0.0.1"
              stream_server_port = "0"
              # This VM lacks CAP_SYS_RESOURCE: never ask for an oom_score_adj below ours.
              restrict_oom_score_adj = true
              disable_apparmor = true
              enable_selinux = false
              # The pods' network namespaces are bound under our state directory, not /var/run/netns.
              netns_mounts_under_state_dir = true
              tolerate_missing_hugetlb_controller = true
              disable_hugetlb_controller = true
            [{cri}.containerd]
              snapshotter = "overlayfs"
              default_runtime_name = "runc"
            [{cri}.containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
            [{cri}.containerd.runtimes.runc.options]
              BinaryName = "{Runtime}"
              Root = "{RuntimeRoot}"
              SystemdCgroup = false
            [{cri}.cni]
              bin_dir = "/usr/lib/cni"
              conf_dir = "{CniConfDir}"
              max_conf_num = 1
            """;
    }

    /// <summary>
    /// bridge with host-local addresses kept in our directory, then portmap for hostPort. containerd sets up the
    /// loopback itself with the `loopback` plugin from the same bin dir.
    /// </summary>
    public string CniConflist() => $$"""
        {
          "cniVersion": "0.4.0",
          "name": "{{Network}}",
          "plugins": [
            {
              "type": "bridge",
              "bridge": "{{Bridge}}",
              "isGateway": true,
              "ipMasq": false,
              "hairpinMode": true,
              "ipam": { "type": "host-local", "ranges": [[{ "subnet": "{{Subnet}}" }]], "dataDir": "{{IpamDir}}" }
            },
            { "type": "portmap", "capabilities": { "portMappings": true } }
          ]
        }
        """;
}
