namespace OciSpec.Validation;

/// <summary>config-linux.md "Control groups" (<c>linux.resources</c>, also <c>update --resources</c>): values the
/// kernel would reject or that the spec forbids, checked before any cgroup is touched.</summary>
internal static class ResourceRules
{
    public static void Check(LinuxResources res, string path, Report r)
    {
        CheckDeviceRules(res.Devices, SpecPath.Member(path, "devices"), r);
        if (res.Memory is { } mem) CheckMemory(mem, SpecPath.Member(path, "memory"), r);
        if (res.CPU is { } cpu) CheckCpu(cpu, SpecPath.Member(path, "cpu"), r);
        if (res.BlockIO is { } bio) CheckBlockIO(bio, SpecPath.Member(path, "blockIO"), r);
        CheckHugepages(res.HugepageLimits, SpecPath.Member(path, "hugepageLimits"), r);
        CheckNetwork(res.Network, SpecPath.Member(path, "network"), r);
        CheckRdma(res.Rdma, SpecPath.Member(path, "rdma"), r);
        CheckUnified(res.Unified, SpecPath.Member(path, "unified"), r);
    }

    private static void CheckDeviceRules(List<LinuxDeviceCgroup>? rules, string path, Report r)
    {
        if (rules is null) return;
        for (int i = 0; i < rules.Count; i++)
        {
            string at = SpecPath.Index(path, i);
            LinuxDeviceCgroup? d = rules[i];
            if (d is null) { r.Add(at, "must be an object, got null"); continue; }
            if (!string.IsNullOrEmpty(d.Type) && d.Type is not ("a" or "c" or "b"))
                r.Add(SpecPath.Member(at, "type"), $"unknown device type {SpecPath.Q(d.Type)} (expected a, c or b)");
            // -1 is how some callers spell the "*" wildcard; anything lower is a mistake.
            if (d.Major < -1) r.Add(SpecPath.Member(at, "major"), $"must not be negative, got {d.Major}");
            if (d.Minor < -1) r.Add(SpecPath.Member(at, "minor"), $"must not be negative, got {d.Minor}");
            // The spec makes access optional, but a rule without permissions means nothing to either cgroup version;
            // runc rejects it ("device access ... cannot be empty") and so do we.
            if (string.IsNullOrEmpty(d.Access))
                r.Add(SpecPath.Member(at, "access"), "must not be empty");
            else if (d.Access.Any(c => c is not ('r' or 'w' or 'm')))
                r.Add(SpecPath.Member(at, "access"), $"must combine r, w and m, got {SpecPath.Q(d.Access)}");
        }
    }

    private static void CheckMemory(LinuxMemory m, string path, Report r)
    {
        CheckBytes(m.Limit, SpecPath.Member(path, "limit"), r);
        CheckBytes(m.Reservation, SpecPath.Member(path, "reservation"), r);
        CheckBytes(m.Swap, SpecPath.Member(path, "swap"), r);
        CheckBytes(m.Kernel, SpecPath.Member(path, "kernel"), r);
        CheckBytes(m.KernelTCP, SpecPath.Member(path, "kernelTCP"), r);
        if (m.Swappiness is ulong sw && sw > 100)
            r.Add(SpecPath.Member(path, "swappiness"), $"must be between 0 and 100, got {sw}");
        // swap is memory+swap, so it cannot be below the memory limit (cgroup v1 refuses; v2 would go negative).
        if (m.Limit is long lim && lim > 0 && m.Swap is long swap && swap > 0 && swap < lim)
            r.Add(SpecPath.Member(path, "swap"), $"memory+swap limit {swap} is below the memory limit {lim}");
    }

    private static void CheckBytes(long? value, string path, Report r)
    {
        if (value is long v && v < -1)
            r.Add(path, $"must be -1 (unlimited) or a byte count, got {v}");
    }

    private static void CheckCpu(LinuxCPU c, string path, Report r)
    {
        // 0 means "unset" for runc and so for every config writer; the ranges are the kernel's.
        if (c.Shares is ulong shares && shares != 0 && (shares < 2 || shares > 262144))
            r.Add(SpecPath.Member(path, "shares"), $"must be between 2 and 262144, got {shares}");
        if (c.Quota is long quota && (quota < -1 || (quota > 0 && quota < 1000)))
            r.Add(SpecPath.Member(path, "quota"), $"must be -1 (unlimited) or at least 1000 microseconds, got {quota}");
        if (c.Period is ulong period && period != 0 && (period < 1000 || period > 1_000_000))
            r.Add(SpecPath.Member(path, "period"), $"must be between 1000 and 1000000 microseconds, got {period}");
        // config-linux.md: a positive quota MUST be no smaller than burst.
        if (c.Burst is ulong burst && c.Quota is long q && q > 0 && burst > (ulong)q)
            r.Add(SpecPath.Member(path, "burst"), $"must not exceed quota ({burst} > {q})");
        if (c.RealtimeRuntime is long rt && rt < -1)
            r.Add(SpecPath.Member(path, "realtimeRuntime"), $"must be -1 (unlimited) or a duration, got {rt}");
        if (c.RealtimeRuntime is long rt2 && rt2 > 0 && c.RealtimePeriod is ulong rp && rp != 0 && (ulong)rt2 > rp)
            r.Add(SpecPath.Member(path, "realtimeRuntime"), $"must not exceed realtimePeriod ({rt2} > {rp})");
        if (c.Idle is long idle && idle is not (0 or 1))
            r.Add(SpecPath.Member(path, "idle"), $"must be 0 or 1, got {idle}");
        if (!string.IsNullOrEmpty(c.Cpus) && !Syntax.IsIdList(c.Cpus))
            r.Add(SpecPath.Member(path, "cpus"), $"invalid CPU list {SpecPath.Q(c.Cpus)} (expected e.g. \"0-3,5\")");
        if (!string.IsNullOrEmpty(c.Mems) && !Syntax.IsIdList(c.Mems))
            r.Add(SpecPath.Member(path, "mems"), $"invalid memory node list {SpecPath.Q(c.Mems)} (expected e.g. \"0-1\")");
    }

    private static void CheckBlockIO(LinuxBlockIO b, string path, Report r)
    {
        CheckWeight(b.Weight, SpecPath.Member(path, "weight"), r);
        CheckWeight(b.LeafWeight, SpecPath.Member(path, "leafWeight"), r);
        for (int i = 0; i < (b.WeightDevice?.Count ?? 0); i++)
        {
            string at = SpecPath.Index(SpecPath.Member(path, "weightDevice"), i);
            LinuxWeightDevice? d = b.WeightDevice![i];
            if (d is null) { r.Add(at, "must be an object, got null"); continue; }
            CheckMajorMinor(d.Major, d.Minor, at, r);
            if (d.Weight is null && d.LeafWeight is null)
                r.Add(at, "must set weight or leafWeight");
            CheckWeight(d.Weight, SpecPath.Member(at, "weight"), r);
            CheckWeight(d.LeafWeight, SpecPath.Member(at, "leafWeight"), r);
        }
        CheckThrottle(b.ThrottleReadBpsDevice, SpecPath.Member(path, "throttleReadBpsDevice"), r);
        CheckThrottle(b.ThrottleWriteBpsDevice, SpecPath.Member(path, "throttleWriteBpsDevice"), r);
        CheckThrottle(b.ThrottleReadIOPSDevice, SpecPath.Member(path, "throttleReadIOPSDevice"), r);
        CheckThrottle(b.ThrottleWriteIOPSDevice, SpecPath.Member(path, "throttleWriteIOPSDevice"), r);
    }

    private static void CheckWeight(ushort? weight, string path, Report r)
    {
        // blkio.weight's range; 0 is read as "unset" (runc).
        if (weight is ushort w && w != 0 && (w < 10 || w > 1000))
            r.Add(path, $"must be between 10 and 1000, got {w}");
    }

    private static void CheckThrottle(List<LinuxThrottleDevice>? list, string path, Report r)
    {
        for (int i = 0; i < (list?.Count ?? 0); i++)
        {
            LinuxThrottleDevice? d = list![i];
            if (d is null) r.Add(SpecPath.Index(path, i), "must be an object, got null");
            else CheckMajorMinor(d.Major, d.Minor, SpecPath.Index(path, i), r);
        }
    }

    private static void CheckMajorMinor(long major, long minor, string at, Report r)
    {
        if (major < 0) r.Add(SpecPath.Member(at, "major"), $"must not be negative, got {major}");
        if (minor < 0) r.Add(SpecPath.Member(at, "minor"), $"must not be negative, got {minor}");
    }

    private static void CheckHugepages(List<LinuxHugepageLimit>? limits, string path, Report r)
    {
        for (int i = 0; i < (limits?.Count ?? 0); i++)
        {
            LinuxHugepageLimit? h = limits![i];
            if (h is null) { r.Add(SpecPath.Index(path, i), "must be an object, got null"); continue; }
            if (h.Pagesize is null || !Syntax.IsPageSize(h.Pagesize))
                r.Add(SpecPath.Member(SpecPath.Index(path, i), "pageSize"), $"must look like 64KB, 2MB or 1GB, got {SpecPath.Q(h.Pagesize)}");
        }
    }

    private static void CheckNetwork(LinuxNetwork? net, string path, Report r)
    {
        for (int i = 0; i < (net?.Priorities?.Count ?? 0); i++)
        {
            LinuxInterfacePriority? p = net!.Priorities![i];
            if (p is null) r.Add(SpecPath.Index(SpecPath.Member(path, "priorities"), i), "must be an object, got null");
            else if (string.IsNullOrEmpty(p.Name))
                r.Add(SpecPath.Member(SpecPath.Index(SpecPath.Member(path, "priorities"), i), "name"), "must not be empty");
        }
    }

    private static void CheckRdma(Dictionary<string, LinuxRdma>? rdma, string path, Report r)
    {
        if (rdma is null) return;
        foreach ((string device, LinuxRdma? limit) in rdma)
        {
            if (device.Length == 0) { r.Add(path, "keys must not be empty"); continue; }
            if (limit is null || (limit.HcaHandles is null && limit.HcaObjects is null))
                r.Add(SpecPath.Key(path, device), "must set hcaHandles or hcaObjects");
        }
    }

    private static void CheckUnified(Dictionary<string, string>? unified, string path, Report r)
    {
        if (unified is null) return;
        foreach ((string key, string? value) in unified)
        {
            string at = key.Length == 0 ? path : SpecPath.Key(path, key);
            // Keys name a file inside the container's cgroup directory: no way out of it, and CONTROLLER.PARAMETER.
            if (key.Length == 0 || key.Contains('/') || key is "." or "..")
                r.Add(at, "must be a file name in the cgroup directory");
            else if (key.IndexOf('.') is <= 0)
                r.Add(at, "must be of the form CONTROLLER.PARAMETER");
            if (value is null)
                r.Add(at, "must be a string, got null");
        }
    }
}
