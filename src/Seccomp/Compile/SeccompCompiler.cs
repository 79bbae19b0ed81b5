using Seccomp.Bpf;
using Seccomp.Compile;

namespace Seccomp;

/// <summary>
/// OCI seccomp profile → classic BPF. The program:
/// <code>
///   ld  [arch]
///   jeq AUDIT_ARCH_a → block a     (native arch first: the common case costs one test)
///   ...
///   ret bad-arch action
/// block a:
///   ld  [nr]
///   binary search (jge) over ranges of numbers with one outcome each
///   argument blocks of this arch (syscalls with identical rules share one)
///   one ret per distinct return value of this arch
/// </code>
/// </summary>
public static class SeccompCompiler
{
    public static CompiledFilter Compile(SeccompProfile profile, CompileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= CompileOptions.Default;
        var resolved = ProfileResolver.Resolve(profile, options);
        var program = Emit(resolved);
        return new CompiledFilter(program, resolved.FilterFlags, resolved.Skipped, resolved.UsesNotify);
    }

    private static SockFilter[] Emit(ResolvedProfile profile)
    {
        var asm = new Assembler();

        // Archs sharing an AUDIT_ARCH (x86_64 and x32) share one block.
        var groups = profile.Arches.GroupBy(p => AuditArch.Of(p.Arch)).ToList();

        asm.Append(Insn.Load(SeccompData.Arch));
        var dispatch = new List<Insn>();
        foreach (var g in groups)
            dispatch.Add(asm.Append(Insn.Cond(Op.JeqK, g.Key, null, null)));
        var badArch = asm.Append(Insn.Return(profile.BadArchRet));
        for (int i = 0; i < dispatch.Count; i++)
            dispatch[i].False = i + 1 < dispatch.Count ? dispatch[i + 1] : badArch;

        for (int gi = 0; gi < groups.Count; gi++)
        {
            // Each arch block has its own RETs at its end, so its jumps stay short (8-bit jt/jf) and the
            // dispatch's jump over it to the next arch's block too; a RET more here and there is cheap.
            var rets = new Dictionary<uint, Insn>();
            Insn Ret(uint value) => rets.TryGetValue(value, out var i) ? i : rets[value] = Insn.Return(value);
            var plans = groups[gi].ToList();
            var ranges = NumberSpace.Build(plans, profile);
            var argBlocks = new Dictionary<Leaf, List<Insn>>();
            var tree = DecisionTree.Build(ranges);
            var deferred = new List<List<Insn>>();
            if (tree is LeafNode)
            {
                // One outcome for every number: no need to look at nr.
                dispatch[gi].True = EmitTree(tree, asm, Ret, argBlocks, deferred);
            }
            else
            {
                // The load falls through into the tree's root, appended right after it.
                dispatch[gi].True = asm.Append(Insn.Load(SeccompData.Nr));
                EmitTree(tree, asm, Ret, argBlocks, deferred);
            }
            foreach (var block in deferred)
                foreach (var insn in block) asm.Append(insn);
            foreach (var ret in rets.Values) asm.Append(ret);
        }

        return asm.Assemble(out _);
    }

    private static Insn EmitTree(TreeNode node, Assembler asm, Func<uint, Insn> ret, Dictionary<Leaf, List<Insn>> argBlocks, List<List<Insn>> deferred)
    {
        switch (node)
        {
            case LeafNode leaf:
                if (leaf.Range.Leaf.IsReturn) return ret(leaf.Range.Leaf.Ret);
                if (!argBlocks.TryGetValue(leaf.Range.Leaf, out var block))
                {
                    argBlocks[leaf.Range.Leaf] = block = ArgBlock.Build(leaf.Range.Leaf, ret);
                    // Blocks go right after their arch's tree: close enough for 8-bit jumps from the tree,
                    // while the tree stays compact so the arch dispatch can still reach the next arch's
                    // tree without a trampoline (in place, under their split, they cost the x86 tree of
                    // Docker's profile a JA). BPF cannot jump back, so a block shared by several ranges
                    // must come after all of them anyway.
                    deferred.Add(block);
                }
                return block[0];
            case SplitNode split:
                var test = asm.Append(Insn.Cond(Op.JgeK, split.Boundary, null, null));
                test.False = EmitTree(split.Left, asm, ret, argBlocks, deferred);
                test.True = EmitTree(split.Right, asm, ret, argBlocks, deferred);
                return test;
            default:
                throw new InvalidOperationException();
        }
    }
}
