using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRun.Bench;

/// <summary>What one row of the table is and where run.sh left its raw data.</summary>
sealed record Scenario(string Key, string Title, string Unit, bool HigherIsBetter, string Source);

/// <summary>One cell: a runtime's result for a scenario.</summary>
sealed record Cell(string Status, string? Message, List<double> Values)
{
    public Stats? Stats { get; } = Stats.Of(Values);
    public bool Ok => Status == "ok" && Stats is not null;
}

/// <summary>
/// Reads run.sh's raw directory and writes the console table, the markdown and json reports and
/// the start-latency chart. Raw layout (all written by run.sh):
///   machine.json                      host, versions, sizes, parameters
///   status/SCENARIO.RUNTIME           "n/a: why" or "failed: why" when there are no numbers
///   hf/SCENARIO/RUNTIME/*.json        hyperfine --export-json, one file per round
///   concurrent/RUNTIME/*.json         Harness concurrent output, one file per round
///   engine/RUNTIME/*.json             Harness engine output, one file per round
///   rss/RUNTIME.tsv                   "create_maxrss_kb init_rss_kb" per sample
///   pss/RUNTIME.tsv                   "containers pss_kib_summed" per measurement
///   pss-init/RUNTIME.tsv              the same for pid 1 of started containers (ocirun: --init's reaper)
///   pss-init-child/RUNTIME.tsv        the same for the reaper's child (ocirun only)
/// </summary>
static class Report
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<Scenario> Scenarios(JsonNode machine)
    {
        var p = machine["params"]!;
        return
        [
            new("run", "run /bin/true", "ms", false, "hf"),
            new("run-cpu", "run /bin/true, user+sys CPU", "ms", false, "hfcpu:run"),
            new("run-mounts", $"run /bin/true, +{p["mounts"]} host mounts", "ms", false, "hf"),
            new("run-mounts-cpu", $"run /bin/true, +{p["mounts"]} host mounts, user+sys CPU", "ms", false, "hfcpu:run-mounts"),
            new("run-mounts-growth", $"run: +{p["mounts"]} host mounts / plain", "×", false, "ratio:run-mounts/run"),
            new("run-seccomp", "run /bin/true, docker seccomp", "ms", false, "hf"),
            new("exec", "exec /bin/true into a running container", "ms", false, "hf"),
            new("lifecycle", "create+start+delete -f (sleep)", "ms", false, "hf"),
            new("engine", "create+start+kill+reap+delete (sleep)", "ms", false, "engine"),
            new("concurrent", $"{p["concurrent"]} concurrent run /bin/true", "containers/s", true, "concurrent"),
            new("list", $"list, {p["listed"]} created", "ms", false, "hf"),
            new("state", $"state, {p["listed"]} created", "ms", false, "hf"),
            new("rss-create", "peak RSS of create", "MiB", false, "rss0"),
            new("rss-init", "RSS of waiting init (created)", "MiB", false, "rss1"),
            new("pss-created", $"PSS per created container, {p["pssContainers"]} created", "KiB", false, "pss"),
            // ocirun with --init (pid 1 is its reaper); runc and crun have no --init, so their pid 1 is the sleep.
            new("pss-init", $"PSS of pid 1, ocirun --init, {p["pssContainers"]} started", "KiB", false, "pss:pss-init"),
            new("pss-init-child", $"PSS of --init's child, {p["pssContainers"]} started", "KiB", false, "pss:pss-init-child"),
        ];
    }

    public static int Run(Options o)
    {
        string raw = o.Get("raw");
        var runtimes = o.Get("runtimes").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var machine = JsonNode.Parse(File.ReadAllText(Path.Combine(raw, "machine.json")))!;
        var scenarios = Scenarios(machine);
        // In table order: a ratio row reads the rows above it.
        var cells = new Dictionary<string, Dictionary<string, Cell>>();
        foreach (var s in scenarios)
            cells[s.Key] = runtimes.ToDictionary(r => r,
                r => s.Source.StartsWith("ratio:", StringComparison.Ordinal) ? Quotient(cells, s.Source, r) : Load(raw, s, r));

        var table = Table(scenarios, runtimes, cells);
        Console.WriteLine();
        Console.WriteLine(Text(table));
        if (o.Maybe("md") is { } md) File.WriteAllText(md, Markdown(machine, table, scenarios, runtimes, cells));
        if (o.Maybe("json") is { } json) File.WriteAllText(json, Json(machine, scenarios, runtimes, cells));
        if (o.Maybe("svg") is { } svg) File.WriteAllText(svg, Chart.Svg(machine, scenarios, runtimes, cells));
        return 0;
    }

    static Cell Load(string raw, Scenario s, string runtime)
    {
        // A CPU row has no status of its own: it is read from the same hyperfine runs as its wall-time row.
        string key = s.Source.StartsWith("hfcpu:", StringComparison.Ordinal) ? s.Source["hfcpu:".Length..] : s.Key;
        var status = Path.Combine(raw, "status", $"{key}.{runtime}");
        if (File.Exists(status))
        {
            var text = File.ReadAllText(status).Trim();
            int colon = text.IndexOf(':');
            return colon < 0 ? new(text, null, []) : new(text[..colon], text[(colon + 1)..].Trim(), []);
        }
        var values = s.Source switch
        {
            "hf" => Hyperfine(Path.Combine(raw, "hf", s.Key, runtime)),
            _ when key != s.Key => HyperfineCpu(Path.Combine(raw, "hf", key, runtime)),
            "concurrent" => Throughputs(Path.Combine(raw, "concurrent", runtime)),
            "engine" => EngineTimes(Path.Combine(raw, "engine", runtime)),
            "rss0" => Rss(Path.Combine(raw, "rss", $"{runtime}.tsv"), 0),
            "rss1" => Rss(Path.Combine(raw, "rss", $"{runtime}.tsv"), 1),
            "pss" => PssPerContainer(Path.Combine(raw, "pss", $"{runtime}.tsv")),
            var src when src.StartsWith("pss:", StringComparison.Ordinal) =>
                PssPerContainer(Path.Combine(raw, src["pss:".Length..], $"{runtime}.tsv")),
            _ => [],
        };
        return values.Count == 0 ? new("failed", "no samples recorded", values) : new("ok", null, values);
    }

    // hyperfine reports seconds; every round of a runtime is pooled into one sample.
    static List<double> Hyperfine(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.GetFiles(dir, "*.json").Order()
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["results"]!.AsArray()
                .SelectMany(r => r!["times"]!.AsArray().Select(t => t!.GetValue<double>() * 1000)))
            .ToList();

    // hyperfine gives user and system time as a mean over a round's runs (its shell's share subtracted): one
    // sample per round, user+sys, in ms. It counts the reaped children too, so the container's process is in it.
    static List<double> HyperfineCpu(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.GetFiles(dir, "*.json").Order()
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["results"]!.AsArray()
                .Select(r => (r!["user"]!.GetValue<double>() + r["system"]!.GetValue<double>()) * 1000))
            .ToList();

    /// <summary>A row that divides two rows above it, runtime by runtime ("ratio:A/B": A's median over B's):
    /// how much a runtime slows down when the host has more mounts. Its ocirun/crun column is then the quotient
    /// of the two runtimes' growths.</summary>
    static Cell Quotient(Dictionary<string, Dictionary<string, Cell>> cells, string source, string runtime)
    {
        var parts = source["ratio:".Length..].Split('/');
        var (a, b) = (cells[parts[0]][runtime], cells[parts[1]][runtime]);
        if (!a.Ok) return new(a.Status, a.Message, []);
        if (!b.Ok) return new(b.Status, b.Message, []);
        return new("ok", null, [a.Stats!.Median / b.Stats!.Median]);
    }

    // run.sh writes "containers pss_kib_summed" per measurement: one sample per line, the sum over the count.
    static List<double> PssPerContainer(string file) =>
        !File.Exists(file) ? [] :
        File.ReadAllLines(file).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && double.TryParse(f[0], Inv, out var n) && n > 0 && double.TryParse(f[1], Inv, out _))
            .Select(f => double.Parse(f[1], Inv) / double.Parse(f[0], Inv)).ToList();

    // One file per round (run.sh alternates runtimes between rounds); rounds with failures carry no number.
    static List<double> Throughputs(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.GetFiles(dir, "*.json").Order()
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["rounds"]!.AsArray())
            .Where(r => r!["failed"]!.GetValue<int>() == 0)
            .Select(r => r!["throughput"]!.GetValue<double>()).ToList();

    static List<double> EngineTimes(string dir) =>
        !Directory.Exists(dir) ? [] :
        Directory.GetFiles(dir, "*.json").Order()
            .SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["times"]!.AsArray().Select(t => t!.GetValue<double>()))
            .ToList();

    static List<double> Rss(string file, int column) =>
        !File.Exists(file) ? [] :
        File.ReadAllLines(file).Select(l => l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > column && double.TryParse(f[column], Inv, out var v) && v > 0)
            .Select(f => double.Parse(f[column], Inv) / 1024).ToList();

    // ---- the table (console and markdown share it) ----

    static List<string[]> Table(List<Scenario> scenarios, List<string> runtimes, Dictionary<string, Dictionary<string, Cell>> cells)
    {
        // Ratio columns only when both sides were asked for (a missing binary still gets its column).
        var against = runtimes.Contains("ocirun") ? new[] { "crun", "runc" }.Where(runtimes.Contains).ToList() : [];
        var header = new List<string> { "scenario", "unit" };
        header.AddRange(runtimes);
        header.AddRange(against.Select(a => $"ocirun/{a}"));
        var rows = new List<string[]> { header.ToArray() };
        foreach (var s in scenarios)
        {
            var row = new List<string> { s.Title, s.Unit + (s.HigherIsBetter ? " ↑" : " ↓") };
            row.AddRange(runtimes.Select(r => Format(cells[s.Key][r], s)));
            row.AddRange(against.Select(a => Ratio(cells[s.Key], "ocirun", a)));
            rows.Add(row.ToArray());
        }
        return rows;
    }

    static string Format(Cell c, Scenario s) =>
        !c.Ok ? (c.Status == "n/a" ? "n/a" : "FAILED") :
        c.Stats!.Median.ToString(s.Unit switch { "ms" or "×" => "0.00", "KiB" => "0", _ => "0.0" }, Inv);

    public static double? RatioValue(Dictionary<string, Cell> row, string a, string b) =>
        row.TryGetValue(a, out var x) && row.TryGetValue(b, out var y) && x.Ok && y.Ok && y.Stats!.Median > 0
            ? x.Stats!.Median / y.Stats!.Median : null;

    static string Ratio(Dictionary<string, Cell> row, string a, string b) =>
        RatioValue(row, a, b) is { } v ? v.ToString("0.00", Inv) : "n/a";

    static string Text(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var (row, n) in rows.Select((r, n) => (r, n)))
        {
            sb.AppendLine(string.Join("  ", row.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
            if (n == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        return sb.ToString().TrimEnd();
    }

    static string MdRow(IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";

    static string Markdown(JsonNode m, List<string[]> table, List<Scenario> scenarios, List<string> runtimes,
        Dictionary<string, Dictionary<string, Cell>> cells)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# ocirun benchmark: {m["date"]} on {m["host"]}");
        sb.AppendLine();
        if (m["note"]?.GetValue<string>() is { Length: > 0 } note)
        {
            sb.AppendLine($"> **{note}**");
            sb.AppendLine();
        }
        sb.AppendLine($"Mode: `{m["mode"]}`. Medians; ↓ lower is better, ↑ higher is better. Ratios are ocirun's median over the other's (below 1 means ocirun is faster or smaller, except for containers/s). How to read this: `bench/README.md`.");
        sb.AppendLine();
        sb.AppendLine(MdRow(table[0]));
        sb.AppendLine(MdRow(table[0].Select((_, i) => i < 2 ? "---" : "---:")));
        foreach (var row in table.Skip(1)) sb.AppendLine(MdRow(row));
        sb.AppendLine();
        sb.AppendLine("![start latency](start-latency.svg)");
        sb.AppendLine();

        sb.AppendLine("## Machine");
        sb.AppendLine();
        sb.AppendLine("| | |");
        sb.AppendLine("|---|---|");
        foreach (var key in new[] { "host", "date", "nproc", "cpu", "kernel", "loadavg", "hyperfine", "namespace", "mountTable" })
            sb.AppendLine($"| {key} | {m[key]} |");
        sb.AppendLine($"| parameters | `{m["params"]!.ToJsonString()}` |");
        sb.AppendLine();
        sb.AppendLine("| runtime | version | binary | size |");
        sb.AppendLine("|---|---|---|---:|");
        foreach (var r in runtimes)
        {
            var info = m["runtimes"]?[r];
            sb.AppendLine(info?["available"]?.GetValue<bool>() == true
                ? $"| {r} | {info["version"]} | `{info["path"]}` | {info["sizeBytes"]!.GetValue<long>() / 1024.0 / 1024.0:0.00} MiB |"
                : $"| {r} | n/a | not found | |");
        }
        sb.AppendLine();

        sb.AppendLine("## Distributions");
        sb.AppendLine();
        sb.AppendLine("| scenario | runtime | n | median | p25 | p75 | min | max | note |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var s in scenarios)
            foreach (var r in runtimes)
            {
                var c = cells[s.Key][r];
                var st = c.Stats;
                sb.AppendLine(st is null || !c.Ok
                    ? $"| {s.Title} | {r} | | | | | | | {c.Status}{(c.Message is null ? "" : ": " + c.Message.Replace("|", "\\|").ReplaceLineEndings(" "))} |"
                    : $"| {s.Title} | {r} | {st.N} | {F(st.Median)} | {F(st.P25)} | {F(st.P75)} | {F(st.Min)} | {F(st.Max)} | {s.Unit} |");
            }
        return sb.ToString();
    }

    static string F(double v) => v.ToString("0.00", Inv);

    static string Json(JsonNode machine, List<Scenario> scenarios, List<string> runtimes,
        Dictionary<string, Dictionary<string, Cell>> cells)
    {
        var list = new JsonArray();
        foreach (var s in scenarios)
        {
            var results = new JsonObject();
            foreach (var r in runtimes)
            {
                var c = cells[s.Key][r];
                var o = new JsonObject { ["status"] = c.Ok ? "ok" : c.Status };
                if (c.Message is not null) o["message"] = c.Message;
                if (c.Stats is { } st)
                {
                    o["n"] = st.N; o["median"] = R(st.Median); o["mean"] = R(st.Mean); o["stddev"] = R(st.StdDev);
                    o["min"] = R(st.Min); o["max"] = R(st.Max); o["p25"] = R(st.P25); o["p75"] = R(st.P75);
                    o["samples"] = new JsonArray(c.Values.Select(v => (JsonNode)R(v)).ToArray());
                }
                results[r] = o;
            }
            list.Add(new JsonObject
            {
                ["key"] = s.Key, ["title"] = s.Title, ["unit"] = s.Unit, ["higherIsBetter"] = s.HigherIsBetter,
                ["results"] = results,
                ["ratios"] = new JsonObject
                {
                    ["ocirun/crun"] = RatioValue(cells[s.Key], "ocirun", "crun") is { } a ? R(a) : null,
                    ["ocirun/runc"] = RatioValue(cells[s.Key], "ocirun", "runc") is { } b ? R(b) : null,
                },
            });
        }
        var doc = new JsonObject { ["machine"] = machine.DeepClone(), ["scenarios"] = list };
        return doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    static double R(double v) => Math.Round(v, 4);
}
