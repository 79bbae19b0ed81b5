// Replaces two functions of the NativeAOT runtime's start (linked with --wrap, see OciRuntime.csproj).
//
// Before Main, the runtime looks for the cgroup limits that would size its GC and its processor count: the GC's
// memory limit (gc/unix/cgroup.cpp, InitializeCGroup) and the CPU quota (nativeaot/Runtime/unix/cgroupcpu.cpp,
// InitializeCpuCGroup). Each reads the whole of /proc/self/mountinfo (and /proc/self/cgroup), on every start,
// with no setting to skip it. On a node with a thousand mounts that is two reads of ~2.4 ms each per command,
// where crun reads the table once. ocirun needs neither answer: its heap limit is fixed at publish time
// (System.GC.HeapHardLimit) and it runs one thread of work. Without these, the runtime sees no cgroup (as on a
// host without /sys/fs/cgroup): the GC takes the fixed limit, the processor count the affinity mask.
//
// The runtime calls both across object files, so --wrap reaches every call; a runtime that renamed them would
// leave the wraps unused and start as before (slower, not wrong).
void __wrap__Z16InitializeCGroupv(void) {}
void __wrap__Z19InitializeCpuCGroupv(void) {}
