using OciSpec;

namespace OciRuntime.Security;

/// <summary>linux.seccomp: compiled before the privileges are dropped, loaded at the moment DESIGN.md §4 gives.</summary>
internal sealed class SeccompSetup
{
    private SeccompSetup() { }

    internal static SeccompSetup? Prepare(Spec spec)
    {
        if (spec.Linux?.Seccomp is null) return null;
        throw new RuntimeError("linux.seccomp: not supported yet by this build");
    }

    internal void Load() { }
}
