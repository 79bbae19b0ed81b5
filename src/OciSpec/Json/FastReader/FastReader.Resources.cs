using System.Text.Json;

namespace OciSpec;

// linux.resources (also the update --resources document).
internal static partial class FastReader
{
    private static LinuxResources ReadResources(ref Utf8JsonReader r)
    {
        List<LinuxDeviceCgroup>? devices = null;
        LinuxMemory? memory = null;
        LinuxCPU? cpu = null;
        LinuxPids? pids = null;
        LinuxBlockIO? blockIO = null;
        List<LinuxHugepageLimit>? hugepageLimits = null;
        LinuxNetwork? network = null;
        Dictionary<string, LinuxRdma>? rdma = null;
        Dictionary<string, string>? unified = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "devices": devices = Objects(ref r, ReadDeviceCgroup); break;
                case "memory": memory = Obj(ref r, ReadMemory); break;
                case "cpu": cpu = Obj(ref r, ReadCPU); break;
                case "pids": pids = Obj(ref r, ReadPids); break;
                case "blockio": blockIO = Obj(ref r, ReadBlockIO); break;
                case "hugepagelimits": hugepageLimits = Objects(ref r, ReadHugepageLimit); break;
                case "network": network = Obj(ref r, ReadNetwork); break;
                case "rdma": rdma = ObjectMap(ref r, ReadRdma); break;
                case "unified": unified = StringMap(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxResources
        {
            Devices = devices, Memory = memory, CPU = cpu, Pids = pids, BlockIO = blockIO, HugepageLimits = hugepageLimits,
            Network = network, Rdma = rdma, Unified = unified,
        };
    }

    private static LinuxDeviceCgroup ReadDeviceCgroup(ref Utf8JsonReader r)
    {
        bool allow = false;
        string? type = null, access = null;
        long? major = null, minor = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "allow": allow = Bool(ref r); break;
                case "type": type = Str(ref r); break;
                case "major": major = I64N(ref r); break;
                case "minor": minor = I64N(ref r); break;
                case "access": access = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxDeviceCgroup { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };
    }

    private static LinuxMemory ReadMemory(ref Utf8JsonReader r)
    {
        long? limit = null, reservation = null, swap = null, kernel = null, kernelTCP = null;
        ulong? swappiness = null;
        bool? disableOOMKiller = null, useHierarchy = null, checkBeforeUpdate = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "limit": limit = I64N(ref r); break;
                case "reservation": reservation = I64N(ref r); break;
                case "swap": swap = I64N(ref r); break;
                case "kernel": kernel = I64N(ref r); break;
                case "kerneltcp": kernelTCP = I64N(ref r); break;
                case "swappiness": swappiness = U64N(ref r); break;
                case "disableoomkiller": disableOOMKiller = BoolN(ref r); break;
                case "usehierarchy": useHierarchy = BoolN(ref r); break;
                case "checkbeforeupdate": checkBeforeUpdate = BoolN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxMemory
        {
            Limit = limit, Reservation = reservation, Swap = swap, Kernel = kernel, KernelTCP = kernelTCP,
            Swappiness = swappiness, DisableOOMKiller = disableOOMKiller, UseHierarchy = useHierarchy,
            CheckBeforeUpdate = checkBeforeUpdate,
        };
    }

    private static LinuxCPU ReadCPU(ref Utf8JsonReader r)
    {
        ulong? shares = null, burst = null, period = null, realtimePeriod = null;
        long? quota = null, realtimeRuntime = null, idle = null;
        string? cpus = null, mems = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "shares": shares = U64N(ref r); break;
                case "quota": quota = I64N(ref r); break;
                case "burst": burst = U64N(ref r); break;
                case "period": period = U64N(ref r); break;
                case "realtimeruntime": realtimeRuntime = I64N(ref r); break;
                case "realtimeperiod": realtimePeriod = U64N(ref r); break;
                case "cpus": cpus = Str(ref r); break;
                case "mems": mems = Str(ref r); break;
                case "idle": idle = I64N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxCPU
        {
            Shares = shares, Quota = quota, Burst = burst, Period = period, RealtimeRuntime = realtimeRuntime,
            RealtimePeriod = realtimePeriod, Cpus = cpus, Mems = mems, Idle = idle,
        };
    }

    private static LinuxPids ReadPids(ref Utf8JsonReader r)
    {
        long? limit = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "limit": limit = I64N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxPids { Limit = limit };
    }

    private static LinuxBlockIO ReadBlockIO(ref Utf8JsonReader r)
    {
        ushort? weight = null, leafWeight = null;
        List<LinuxWeightDevice>? weightDevice = null;
        List<LinuxThrottleDevice>? readBps = null, writeBps = null, readIOPS = null, writeIOPS = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "weight": weight = U16N(ref r); break;
                case "leafweight": leafWeight = U16N(ref r); break;
                case "weightdevice": weightDevice = Objects(ref r, ReadWeightDevice); break;
                case "throttlereadbpsdevice": readBps = Objects(ref r, ReadThrottleDevice); break;
                case "throttlewritebpsdevice": writeBps = Objects(ref r, ReadThrottleDevice); break;
                case "throttlereadiopsdevice": readIOPS = Objects(ref r, ReadThrottleDevice); break;
                case "throttlewriteiopsdevice": writeIOPS = Objects(ref r, ReadThrottleDevice); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxBlockIO
        {
            Weight = weight, LeafWeight = leafWeight, WeightDevice = weightDevice, ThrottleReadBpsDevice = readBps,
            ThrottleWriteBpsDevice = writeBps, ThrottleReadIOPSDevice = readIOPS, ThrottleWriteIOPSDevice = writeIOPS,
        };
    }

    private static LinuxWeightDevice ReadWeightDevice(ref Utf8JsonReader r)
    {
        long major = 0, minor = 0;
        ushort? weight = null, leafWeight = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "major": major = I64(ref r); break;
                case "minor": minor = I64(ref r); break;
                case "weight": weight = U16N(ref r); break;
                case "leafweight": leafWeight = U16N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxWeightDevice { Major = major, Minor = minor, Weight = weight, LeafWeight = leafWeight };
    }

    private static LinuxThrottleDevice ReadThrottleDevice(ref Utf8JsonReader r)
    {
        long major = 0, minor = 0;
        ulong rate = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "major": major = I64(ref r); break;
                case "minor": minor = I64(ref r); break;
                case "rate": rate = U64(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxThrottleDevice { Major = major, Minor = minor, Rate = rate };
    }

    private static LinuxHugepageLimit ReadHugepageLimit(ref Utf8JsonReader r)
    {
        string pageSize = null!;
        ulong limit = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "pagesize": pageSize = StrReq(ref r); break;
                case "limit": limit = U64(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxHugepageLimit { Pagesize = pageSize, Limit = limit };
    }

    private static LinuxNetwork ReadNetwork(ref Utf8JsonReader r)
    {
        uint? classID = null;
        List<LinuxInterfacePriority>? priorities = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "classid": classID = U32N(ref r); break;
                case "priorities": priorities = Objects(ref r, ReadInterfacePriority); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxNetwork { ClassID = classID, Priorities = priorities };
    }

    private static LinuxInterfacePriority ReadInterfacePriority(ref Utf8JsonReader r)
    {
        string name = null!;
        uint priority = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "name": name = StrReq(ref r); break;
                case "priority": priority = U32(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxInterfacePriority { Name = name, Priority = priority };
    }

    private static LinuxRdma ReadRdma(ref Utf8JsonReader r)
    {
        uint? hcaHandles = null, hcaObjects = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "hcahandles": hcaHandles = U32N(ref r); break;
                case "hcaobjects": hcaObjects = U32N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxRdma { HcaHandles = hcaHandles, HcaObjects = hcaObjects };
    }
}
