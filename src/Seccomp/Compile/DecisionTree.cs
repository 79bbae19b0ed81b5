namespace Seccomp.Compile;

/// <summary>A node of the search tree over syscall-number ranges.</summary>
internal abstract record TreeNode;

/// <summary>Numbers in one range: its leaf decides.</summary>
internal sealed record LeafNode(Range Range) : TreeNode;

/// <summary><c>nr &gt;= Boundary</c> goes right, otherwise left (one <c>jge</c>).</summary>
internal sealed record SplitNode(uint Boundary, TreeNode Left, TreeNode Right) : TreeNode;

/// <summary>
/// Builds the binary search over ranges. Every split costs one instruction on the way down, so the tree
/// minimises the total depth weighted by how many table syscalls each range holds (the average cost of a
/// real syscall), under a height cap of ceil(log2 n) + 1 so that the worst case stays near a balanced
/// tree's. Exact dynamic programming up to <see cref="ExactLimit"/> ranges; beyond that (huge profiles)
/// a weight-balanced split, which is within a small factor of optimal.
/// </summary>
internal static class DecisionTree
{
    public const int ExactLimit = 256;

    public static TreeNode Build(IReadOnlyList<Range> ranges)
    {
        if (ranges.Count == 0) throw new ArgumentException("no ranges", nameof(ranges));
        return ranges.Count <= ExactLimit ? BuildExact(ranges) : BuildBalanced(ranges, 0, ranges.Count - 1, Prefix(ranges));
    }

    /// <summary>Height of the tree: the most splits any number goes through.</summary>
    public static int Height(TreeNode node) => node switch
    {
        SplitNode s => 1 + Math.Max(Height(s.Left), Height(s.Right)),
        _ => 0,
    };

    // Integer weights: table syscalls count 1000 each, every range at least 1 so that empty ones still
    // prefer shallow places when that is free.
    private static long[] Prefix(IReadOnlyList<Range> ranges)
    {
        var prefix = new long[ranges.Count + 1];
        for (int i = 0; i < ranges.Count; i++) prefix[i + 1] = prefix[i] + ranges[i].Weight * 1000L + 1;
        return prefix;
    }

    private static TreeNode BuildExact(IReadOnlyList<Range> ranges)
    {
        int n = ranges.Count;
        var prefix = Prefix(ranges);
        int maxH = n == 1 ? 0 : (int)Math.Ceiling(Math.Log2(n)) + 1;
        const long Inf = long.MaxValue / 4;

        // cost_h[i*n + j]: least weighted depth of a tree over ranges i..j with height <= h (only layers h-1 and h
        // are kept: it is on the container start path); split[(h*n + i)*n + j]: its root, every layer kept for Rebuild.
        int nn = n * n;
        var below = new long[nn];
        var cost = new long[nn];
        var split = new short[(maxH + 1) * nn];
        for (int h = 0; h <= maxH; h++)
        {
            int layer = h * nn;
            for (int i = n - 1; i >= 0; i--) // rows below first: the window needs root(i+1, j)
            {
                cost[i * n + i] = 0;
                for (int j = i + 1; j < n; j++)
                {
                    long best = Inf;
                    short bestK = -1;
                    if (h > 0 && (1L << Math.Min(h, 62)) >= j - i + 1)
                    {
                        // Knuth's bound: the best root of i..j lies between those of i..j-1 and i+1..j.
                        // Exact without the height cap; with it, a close heuristic, so fall back to
                        // every root when the window finds no tree within the cap.
                        int from = Math.Max(i + 1, (int)split[layer + i * n + j - 1]), to = j > i + 1 ? Math.Min(j, (int)split[layer + (i + 1) * n + j]) : j;
                        if (from > to) { from = i + 1; to = j; }
                        for (int pass = 0; pass < 2 && best == Inf; pass++)
                        {
                            for (int k = from; k <= to; k++)
                            {
                                long c = below[i * n + k - 1] + below[k * n + j];
                                if (c < best) { best = c; bestK = (short)k; }
                            }
                            from = i + 1; to = j;
                        }
                        if (best < Inf) best += prefix[j + 1] - prefix[i];
                    }
                    cost[i * n + j] = best;
                    split[layer + i * n + j] = bestK;
                }
            }
            (below, cost) = (cost, below);
        }
        return Rebuild(ranges, split, n, maxH, 0, n - 1);
    }

    private static TreeNode Rebuild(IReadOnlyList<Range> ranges, short[] split, int n, int h, int i, int j)
    {
        if (i == j) return new LeafNode(ranges[i]);
        int k = split[(h * n + i) * n + j];
        return new SplitNode(ranges[k].Lo, Rebuild(ranges, split, n, h - 1, i, k - 1), Rebuild(ranges, split, n, h - 1, k, j));
    }

    private static TreeNode BuildBalanced(IReadOnlyList<Range> ranges, int i, int j, long[] prefix)
    {
        if (i == j) return new LeafNode(ranges[i]);
        long total = prefix[j + 1] - prefix[i];
        int bestK = i + 1;
        long bestDiff = long.MaxValue;
        for (int k = i + 1; k <= j; k++)
        {
            long left = prefix[k] - prefix[i];
            long diff = Math.Abs(total - 2 * left);
            if (diff < bestDiff) { bestDiff = diff; bestK = k; }
        }
        return new SplitNode(ranges[bestK].Lo, BuildBalanced(ranges, i, bestK - 1, prefix), BuildBalanced(ranges, bestK, j, prefix));
    }
}
