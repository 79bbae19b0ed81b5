using System.Text;

namespace Seccomp.Compile;

/// <summary>
/// What the decision tree reaches for a range of syscall numbers: a plain return, or argument checks.
/// Leaves compare by <see cref="Key"/>, so neighbouring numbers with the same outcome merge into one range
/// and identical argument blocks are emitted once.
/// </summary>
internal sealed class Leaf : IEquatable<Leaf>
{
    public uint Ret { get; }                    // plain return value, or the fallback after the rules
    public IReadOnlyList<CondRule> Rules { get; } // empty for a plain return
    /// <summary>Whether arguments compare as 64-bit values (the ABI's, not the AUDIT_ARCH's: x32 is 32-bit).</summary>
    public bool Wide { get; }
    public string Key { get; }

    private Leaf(uint ret, IReadOnlyList<CondRule> rules, bool wide)
    {
        Ret = ret;
        Rules = rules;
        Wide = wide;
        var sb = new StringBuilder();
        sb.Append(ret.ToString("x8"));
        if (rules.Count > 0) sb.Append(wide ? 'W' : 'N');
        foreach (var r in rules)
        {
            sb.Append('|').Append(r.Ret.ToString("x8"));
            foreach (var c in r.Conds) sb.Append(':').Append(c.Index).Append(c.Op).Append(c.Value).Append(',').Append(c.ValueTwo);
        }
        Key = sb.ToString();
    }

    public bool IsReturn => Rules.Count == 0;

    public static Leaf Return(uint ret) => new(ret, [], false);

    public static Leaf Conditional(IReadOnlyList<CondRule> rules, uint fallback, bool wide) => new(fallback, rules, wide);

    public bool Equals(Leaf? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => Equals(obj as Leaf);
    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}

/// <summary>A run of syscall numbers [Lo, Hi] with one outcome; Weight = how many table syscalls it holds.</summary>
internal readonly record struct Range(uint Lo, uint Hi, Leaf Leaf, int Weight);
