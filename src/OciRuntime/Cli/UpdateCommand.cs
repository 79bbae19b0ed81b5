using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Cli;

/// <summary>
/// `update`: new limits for a live container, from a runtime-spec resources document (--resources FILE or -)
/// or from runc's flags. The kernel gets only what the update names; the stored config.json gets the merged
/// result, so later `exec` and `update` calls see it.
/// </summary>
internal static class UpdateCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("update", "update container resource constraints");
        var id = new Argument<string>("container-id");
        var resources = new Option<string?>("--resources", "-r") { Description = "path to a file with the resources to update, or - for stdin" };
        var blkioWeight = new Option<ushort?>("--blkio-weight") { Description = "block IO weight (relative weight), between 10 and 1000" };
        var cpuPeriod = new Option<ulong?>("--cpu-period") { Description = "CPU CFS period to be used for hardcapping (in usecs)" };
        var cpuQuota = new Option<long?>("--cpu-quota") { Description = "CPU CFS hardcap limit (in usecs); allowed cpu time in a given period" };
        var cpuShares = new Option<ulong?>("--cpu-share", "--cpu-shares") { Description = "CPU shares (relative weight vs. other containers)" };
        var rtPeriod = new Option<ulong?>("--cpu-rt-period") { Description = "CPU realtime period to be used for hardcapping (in usecs)" };
        var rtRuntime = new Option<long?>("--cpu-rt-runtime") { Description = "CPU realtime hardcap limit (in usecs)" };
        var cpus = new Option<string?>("--cpuset-cpus") { Description = "CPU(s) to use" };
        var mems = new Option<string?>("--cpuset-mems") { Description = "memory node(s) to use" };
        var memory = new Option<string?>("--memory") { Description = "memory limit (in bytes, or with k, m, g)" };
        var swap = new Option<string?>("--memory-swap") { Description = "total memory usage (memory + swap); -1 for unlimited swap" };
        var reservation = new Option<string?>("--memory-reservation") { Description = "memory reservation or soft_limit" };
        var kmem = new Option<string?>("--kernel-memory") { Description = "kernel memory limit (deprecated by the kernel)" };
        var kmemTcp = new Option<string?>("--kernel-memory-tcp") { Description = "kernel memory limit for tcp buffers" };
        var pids = new Option<long?>("--pids-limit") { Description = "maximum number of pids allowed in the container" };
        foreach (var o in new Option[] { resources, blkioWeight, cpuPeriod, cpuQuota, cpuShares, rtPeriod, rtRuntime, cpus, mems, memory, swap, reservation, kmem, kmemTcp, pids })
            c.Add(o);
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            LinuxResources update;
            if (r.GetValue(resources) is { } file)
            {
                byte[] bytes;
                try { bytes = file == "-" ? ReadStdin() : File.ReadAllBytes(file); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new RuntimeError($"--resources: {CgroupFs.CleanMessage(e)}"); }
                update = OciJson.ParseResources(bytes, file == "-" ? "stdin" : file);
            }
            else
            {
                long? Bytes(Option<string?> o) => r.GetValue(o) is { } s ? ResourceUpdate.ParseBytes(s, o.Name) : null;
                var mem = new LinuxMemory { Limit = Bytes(memory), Swap = Bytes(swap), Reservation = Bytes(reservation), Kernel = Bytes(kmem), KernelTCP = Bytes(kmemTcp) };
                var cpu = new LinuxCPU
                {
                    Period = r.GetValue(cpuPeriod), Quota = r.GetValue(cpuQuota), Shares = r.GetValue(cpuShares),
                    RealtimePeriod = r.GetValue(rtPeriod), RealtimeRuntime = r.GetValue(rtRuntime), Cpus = r.GetValue(cpus), Mems = r.GetValue(mems),
                };
                update = new LinuxResources
                {
                    Memory = mem == new LinuxMemory() ? null : mem,
                    CPU = cpu == new LinuxCPU() ? null : cpu,
                    BlockIO = r.GetValue(blkioWeight) is ushort w ? new LinuxBlockIO { Weight = w } : null,
                    Pids = r.GetValue(pids) is long p ? new LinuxPids { Limit = p } : null,
                };
            }

            using var container = Container.Open(g.Store(), cid, locked: true);
            container.Require(Operation.Update);
            var spec = container.Config();
            var merged = ResourceUpdate.Merge(spec.Linux?.Resources, update);
            container.Cgroup.Update(ResourceUpdate.Delta(update, merged));
            container.SaveConfig(spec with { Linux = (spec.Linux ?? new Linux()) with { Resources = merged } });
            return 0;
        });
        return c;
    }

    private static byte[] ReadStdin()
    {
        using var stdin = Console.OpenStandardInput();
        using var ms = new MemoryStream();
        stdin.CopyTo(ms);
        return ms.ToArray();
    }
}
