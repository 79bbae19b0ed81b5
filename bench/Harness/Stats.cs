namespace OciRun.Bench;

/// <summary>Order statistics of one sample. Medians, not means: container starts have a long tail.</summary>
sealed record Stats(int N, double Median, double Mean, double StdDev, double Min, double Max, double P25, double P75)
{
    public static Stats? Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return null;
        var s = values.OrderBy(v => v).ToArray();
        double mean = s.Average();
        double sd = s.Length > 1 ? Math.Sqrt(s.Sum(v => (v - mean) * (v - mean)) / (s.Length - 1)) : 0;
        return new Stats(s.Length, Quantile(s, 0.5), mean, sd, s[0], s[^1], Quantile(s, 0.25), Quantile(s, 0.75));
    }

    /// <summary>Linear interpolation between closest ranks (the same rule as numpy's default).</summary>
    static double Quantile(double[] sorted, double q)
    {
        double pos = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
