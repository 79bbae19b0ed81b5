using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>
/// What every compiler test here builds before it compiles: a plan for a bundle, a spec from its JSON, and a
/// context over a program holding the slots the orchestrator has made by the time a family runs (the procfs
/// slot). One builder, so a new field of the plan or the context is set in one place for every family's tests.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SetupFixture
{
    /// <summary>A plan for the bundle <paramref name="bundle"/> and its "rootfs"; vary the rest with <c>with</c>.</summary>
    internal static InitPlan Plan(string bundle = "/b") =>
        new() { Id = "ocirun-test", Bundle = bundle, Rootfs = Path.Join(bundle, "rootfs") };

    internal static Spec SpecOf(string json) => OciJson.ParseSpec(Encoding.UTF8.GetBytes(json));

    /// <summary>The context the compilers take; <paramref name="procSlot"/> false for a family that runs before the
    /// procfs is open (the path family works from the root slot alone).</summary>
    internal static SetupContext Context(SetupProgram p, Spec spec, InitPlan? plan = null, CgroupLayout? cgroups = null,
        bool? seLinux = null, bool procSlot = true)
    {
        var c = new SetupContext(plan ?? Plan(), spec, p) { CgroupLayout = cgroups, SeLinuxEnabled = seLinux };
        if (procSlot) c.ProcSlot = p.Slot("proc");
        return c;
    }

    /// <summary>The steps of the operations compiled since <paramref name="from"/>.</summary>
    internal static List<string> Steps(SetupProgram p, int from = 0) => p.Info.Skip(from).Select(i => i.Step).ToList();
}
