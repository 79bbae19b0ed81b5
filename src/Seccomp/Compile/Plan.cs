namespace Seccomp.Compile;

/// <summary>One argument test after arch-specific narrowing (32-bit ABIs keep only the low halves).</summary>
internal readonly record struct Cond(uint Index, CompareOp Op, ulong Value, ulong ValueTwo);

/// <summary>A conditional rule for one syscall: all <see cref="Conds"/> must hold (AND).</summary>
internal sealed record CondRule(int RuleIndex, IReadOnlyList<Cond> Conds, uint Ret);

/// <summary>
/// What the filter does for one syscall number on one arch, after libseccomp's merging:
/// either one unconditional answer, or conditional rules tried in profile order with the default after them.
/// </summary>
internal sealed class SyscallPlan
{
    public required string Name { get; init; }
    public int? UnconditionalRule { get; set; }
    public uint UnconditionalRet { get; set; }
    public List<CondRule> Rules { get; } = [];
}

/// <summary>The profile resolved for one arch: a plan per syscall number and the highest number named.</summary>
internal sealed class ArchPlan
{
    public required SeccompArch Arch { get; init; }
    public SortedDictionary<int, SyscallPlan> Syscalls { get; } = [];
    /// <summary>Largest number any rule names for this arch (runc's "last syscall"), or -1.</summary>
    public int MaxNamed { get; set; } = -1;
}

/// <summary>Everything the code generator needs, validated.</summary>
internal sealed class ResolvedProfile
{
    public required IReadOnlyList<ArchPlan> Arches { get; init; }
    public required uint DefaultRet { get; init; }
    public required uint BadArchRet { get; init; }
    /// <summary>SECCOMP_RET for numbers above <see cref="ArchPlan.MaxNamed"/>, or null when not patched.</summary>
    public required uint? EnosysRet { get; init; }
    public required uint FilterFlags { get; init; }
    public required bool UsesNotify { get; init; }
    public required IReadOnlyList<string> Skipped { get; init; }
}
