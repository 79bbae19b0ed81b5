using Engines.Tests.Support;

namespace Cri.Tests.Support;

/// <summary>
/// What a CRI node may leave on the host, in two parts. <see cref="CheckNothingLeft"/> runs once every pod is removed
/// and the daemon still runs: whatever of a pod remains then (runtime state, cgroups, network namespaces, CNI
/// results and per-pod iptables chains, shims, mounts) was leaked by the CRI or the runtime under test.
/// <see cref="Sweep"/> then takes everything down whatever happened, including what CNI keeps by design (the bridge,
/// portmap's top chains) and what our shims made in /run/containerd. Problems are collected; each step runs even when
/// one before failed, and <see cref="HostResidue.ThrowIfAnyLeft"/> fails the collection.
/// </summary>
internal sealed class CriResidue(CriConfig config, HashSet<string>? natChainsBefore = null, bool deadRun = false)
    : HostResidue(config.Dir, "CRI")
{
    private const string CniResults = "/var/lib/cni/results";
    // A dead run's sweep takes these as its own: they are removed only when empty.
    private readonly bool hadRunContainerd = !deadRun && Directory.Exists("/run/containerd");
    private readonly bool hadVarLibCni = !deadRun && Directory.Exists("/var/lib/cni");
    private readonly HashSet<string> natChainsBefore = natChainsBefore ?? NatChains();
    private readonly string? ipForwardBefore = ReadOrNull("/proc/sys/net/ipv4/ip_forward");

    /// <summary>After every pod is removed: nothing of any pod may remain.</summary>
    public void CheckNothingLeft(IEnumerable<string> podIds)
    {
        // Shims exit once their last task is deleted; give them a moment.
        if (!Cmd.WaitFor(() => Shims().Count == 0, 10_000))
            Note($"shims outlive their pods: {string.Join("; ", Shims().Select(p => $"{p.Pid} {p.CmdLine}"))}");
        // The shim gives the runtime --root ROOT/NAMESPACE; each container is a directory there named by its id. Dot
        // entries are the runtime's own, for all containers (ocirun's .seccomp-cache of compiled filters).
        if (Directory.Exists(config.RuntimeNamespaceRoot) && Directory.EnumerateFileSystemEntries(config.RuntimeNamespaceRoot)
                .Where(e => !Path.GetFileName(e).StartsWith('.')).ToList() is { Count: > 0 } state)
            Note($"runtime state outlives its containers: {string.Join(", ", state)}");
        if (CgroupsUnder(CriConfig.CgroupParent).Where(d => !IsParentItself(d)).ToList() is { Count: > 0 } cgroups)
            Note($"cgroups outlive their containers: {string.Join(", ", cgroups)}");
        if (MountsUnderDir() is { Count: > 0 } mounts)
            Note($"mounts outlive their pods: {string.Join(", ", mounts)}");
        if (CniResultsOf(podIds) is { Count: > 0 } results)
            Note($"CNI results outlive their pods: {string.Join(", ", results)}");
        if (NatChains().Except(natChainsBefore).Where(c => !IsPortmapTopChain(c)).ToList() is { Count: > 0 } chains)
            Note($"per-pod iptables nat chains outlive their pods: {string.Join(", ", chains)}");
    }

    /// <summary>Takes down whatever is left, after the daemon stopped (or died).</summary>
    public void Sweep(IEnumerable<string> podIds)
    {
        Step("kill shims", KillOurProcesses);
        Step("cgroups", () => RemoveCgroupsUnder(CriConfig.CgroupParent));
        Step("mounts", Unmount);
        Step("CNI results", () => { foreach (var f in CniResultsOf(podIds)) File.Delete(f); });
        Step("iptables", RemoveNatChains);
        Step("bridge", () =>
        {
            if (Directory.Exists($"/sys/class/net/{CriConfig.Bridge}"))
                if (Cmd.Run("ip", ["link", "del", CriConfig.Bridge]) is { ExitCode: not 0 } r) Note($"ip link del {CriConfig.Bridge}: {r}");
        });
        // The bridge plugin turns forwarding on for its gateway; put back what the host had.
        Step("ip_forward", () =>
        {
            if (ipForwardBefore is not null && ReadOrNull("/proc/sys/net/ipv4/ip_forward") != ipForwardBefore)
                File.WriteAllText("/proc/sys/net/ipv4/ip_forward", ipForwardBefore);
        });
        Step("directories", () =>
        {
            // Made by our shims (/run/containerd/s) and libcni (/var/lib/cni/results) if they were not there.
            var made = new List<string>();
            if (!hadRunContainerd) made.AddRange(["/run/containerd/s", "/run/containerd"]);
            if (!hadVarLibCni) made.AddRange([CniResults, "/var/lib/cni"]);
            RemoveDirs(made);
        });
    }

    /// <summary>
    /// The directories of earlier runs whose test process died before its sweep (a killed `dotnet test`): their
    /// shims, containers, cgroups, mounts, CNI results and per-pod portmap chains would otherwise stay for good, and
    /// the bridge and subnet they hold are the ones this run needs. Problems are printed, not thrown: they are not
    /// this run's leaks.
    /// </summary>
    public static void SweepDeadRuns(string runtime)
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), "ocirun-test-cri-*"))
        {
            if (!int.TryParse(Path.GetFileName(dir)["ocirun-test-cri-".Length..], out int pid) || Directory.Exists($"/proc/{pid}")) continue;
            // Its per-pod chains are those that forward into our subnet; anything else in nat is not its.
            string subnetPrefix = CriConfig.Subnet[..CriConfig.Subnet.LastIndexOf('.')] + ".";
            var rules = Cmd.Run("iptables", ["-t", "nat", "-S"]).Stdout.Split('\n');
            var itsChains = rules.Where(l => l.StartsWith("-A CNI-DN-", StringComparison.Ordinal) && l.Contains(subnetPrefix))
                .Select(l => l.Split(' ')[1]).ToHashSet();
            var stale = new CriResidue(new CriConfig(dir, runtime), NatChains().Except(itsChains).ToHashSet(), deadRun: true);
            // Its pod ids (which name the pods' loopback results): the shims' task directories and the CRI's sandboxes,
            // which outlive the task while a pod is being removed.
            var ids = new[]
                {
                    Path.Join(dir, "state", "io.containerd.runtime.v2.task", "k8s.io"),
                    Path.Join(dir, "root", "io.containerd.grpc.v1.cri", "sandboxes"),
                    Path.Join(dir, "state", "io.containerd.grpc.v1.cri", "sandboxes"),
                }
                .Where(Directory.Exists).SelectMany(Directory.EnumerateDirectories).Select(Path.GetFileName).OfType<string>().ToHashSet();
            stale.Sweep(ids);
            Console.Error.WriteLine($"CRI tests: swept {dir}, left by dead test process {pid}" +
                (stale.Problems.Count > 0 ? ": " + string.Join("; ", stale.Problems) : ""));
        }
    }

    /// <summary>containerd-shim-runc-v2 of our daemon: its -address is under our directory.</summary>
    private List<(int Pid, string CmdLine)> Shims() => OurProcesses().Where(p => p.CmdLine.Contains("containerd-shim")).ToList();

    private static bool IsParentItself(string cgroup) => Path.GetFileName(cgroup) == CriConfig.CgroupParent.TrimStart('/');

    /// <summary>libcni's cache of ADD results (containerd keeps the default /var/lib/cni): our network's and the pods' loopback.</summary>
    private static List<string> CniResultsOf(IEnumerable<string> podIds)
    {
        if (!Directory.Exists(CniResults)) return [];
        var ids = podIds.ToHashSet();
        return Directory.EnumerateFiles(CniResults).Where(f =>
        {
            string name = Path.GetFileName(f);
            return name.StartsWith(CriConfig.Network + "-", StringComparison.Ordinal) ||
                   ids.Any(id => name.StartsWith($"cni-loopback-{id}-", StringComparison.Ordinal));
        }).ToList();
    }

    private static HashSet<string> NatChains()
    {
        var r = Cmd.Run("iptables", ["-t", "nat", "-S"]);
        return r.ExitCode != 0 ? [] : r.Stdout.Split('\n').Where(l => l.StartsWith("-N ")).Select(l => l[3..].Trim()).ToHashSet();
    }

    /// <summary>portmap's chains shared by every pod: kept by CNI after the last pod, removed here when we made them.</summary>
    private static bool IsPortmapTopChain(string chain) => chain is "CNI-HOSTPORT-DNAT" or "CNI-HOSTPORT-SETMARK" or "CNI-HOSTPORT-MASQ";

    private void RemoveNatChains()
    {
        var ours = NatChains().Except(natChainsBefore).Where(c => c.StartsWith("CNI-", StringComparison.Ordinal)).ToHashSet();
        if (ours.Count == 0) return;
        // The rules that jump to them first (an -A line turned into -D; -S quotes its words as a shell would), then the chains.
        foreach (var rule in Cmd.Run("iptables", ["-t", "nat", "-S"]).Stdout.Split('\n'))
        {
            var words = rule.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2 || words[0] != "-A" || ours.Contains(words[1]) || !ours.Any(c => rule.EndsWith($" -j {c}", StringComparison.Ordinal))) continue;
            string delete = "iptables -t nat -D" + rule[2..];
            if (Cmd.Run("sh", ["-c", delete]) is { ExitCode: not 0 } r) Note($"{delete}: {r}");
        }
        foreach (var c in ours) Cmd.Run("iptables", ["-t", "nat", "-F", c]);
        foreach (var c in ours)
            if (Cmd.Run("iptables", ["-t", "nat", "-X", c]) is { ExitCode: not 0 } r) Note($"iptables -X {c}: {r}");
    }

    private static string? ReadOrNull(string file)
    {
        try { return File.ReadAllText(file); } catch (IOException) { return null; }
    }
}
