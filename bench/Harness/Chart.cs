using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace OciRun.Bench;

/// <summary>
/// start-latency.svg: grouped bars, one group per start scenario, one bar per runtime (median),
/// a whisker from p25 to p75. Hand-written SVG so the harness needs no plotting tool.
/// </summary>
static class Chart
{
    static readonly string[] Groups = ["run", "run-mounts", "run-seccomp", "exec", "engine", "lifecycle"];
    static readonly Dictionary<string, string> Labels = new()
    {
        ["run"] = "run /bin/true", ["run-seccomp"] = "run, docker seccomp",
        ["run-mounts"] = "run, many host mounts", ["exec"] = "exec /bin/true",
        ["engine"] = "create, start, kill, delete", ["lifecycle"] = "create, start, delete -f",
    };
    static readonly Dictionary<string, string> Colors = new()
    {
        ["ocirun"] = "#2b7bb9", ["crun"] = "#e08a1e", ["runc"] = "#5a9e4b",
    };
    static readonly string[] Fallback = ["#8e6cbf", "#c4534f", "#7f7f7f"];
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Svg(JsonNode machine, List<Scenario> scenarios, List<string> runtimes,
        Dictionary<string, Dictionary<string, Cell>> cells)
    {
        // The note (e.g. "smoke run") is wrapped above the plot; the plot moves down to make room.
        var noteLines = Wrap(machine["note"]?.GetValue<string>() ?? "", 110);
        var groups = scenarios.Where(s => Groups.Contains(s.Key)).ToList();
        // ~150 px a group: its label ("create, start, kill, delete") fits under it.
        const double left = 64, right = 20, bottom = 70;
        double width = Math.Max(760, left + right + 150 * groups.Count);
        double top = 48 + 16 * noteLines.Count, height = 344 + top;
        double plotW = width - left - right, plotH = height - top - bottom;
        double max = groups.SelectMany(s => runtimes.Select(r => cells[s.Key][r]))
            .Where(c => c.Ok).Select(c => c.Stats!.P75).DefaultIfEmpty(1).Max();
        double step = NiceStep(max / 5), yMax = Math.Ceiling(max * 1.1 / step) * step;
        double Y(double v) => top + plotH - v / yMax * plotH;

        var sb = new StringBuilder();
        sb.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        var date = machine["date"]?.GetValue<string>() ?? "";
        var title = $"Container start latency, median ms (lower is better) — {machine["host"]}, {date[..Math.Min(10, date.Length)]}";
        sb.AppendLine($"<text x=\"{left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{E(title)}</text>");
        for (int i = 0; i < noteLines.Count; i++)
            sb.AppendLine($"<text x=\"{left}\" y=\"{42 + 16 * i}\" fill=\"#b00020\">{E(noteLines[i])}</text>");

        // Grid and y axis.
        for (double v = 0; v <= yMax + step / 2; v += step)
        {
            sb.AppendLine($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{N(Y(v))}\" y2=\"{N(Y(v))}\" stroke=\"#e4e4e4\"/>");
            sb.AppendLine($"<text x=\"{left - 6}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\" fill=\"#555\">{v.ToString("0.##", Inv)}</text>");
        }
        sb.AppendLine($"<text transform=\"translate(16 {N(top + plotH / 2)}) rotate(-90)\" text-anchor=\"middle\" fill=\"#555\">ms</text>");

        double groupW = plotW / Math.Max(1, groups.Count);
        double barW = Math.Min(56, groupW * 0.8 / Math.Max(1, runtimes.Count));
        for (int g = 0; g < groups.Count; g++)
        {
            double x0 = left + g * groupW + (groupW - barW * runtimes.Count) / 2;
            for (int i = 0; i < runtimes.Count; i++)
            {
                var c = cells[groups[g].Key][runtimes[i]];
                double x = x0 + i * barW, cx = x + barW / 2;
                if (!c.Ok)
                {
                    sb.AppendLine($"<text x=\"{N(cx)}\" y=\"{N(Y(0) - 6)}\" text-anchor=\"middle\" fill=\"#999\">{(c.Status == "n/a" ? "n/a" : "failed")}</text>");
                    continue;
                }
                var st = c.Stats!;
                sb.AppendLine($"<rect x=\"{N(x + 3)}\" y=\"{N(Y(st.Median))}\" width=\"{N(barW - 6)}\" height=\"{N(Y(0) - Y(st.Median))}\" fill=\"{Color(runtimes[i], i)}\"><title>{E(runtimes[i])}: median {st.Median:0.00} ms, p25 {st.P25:0.00}, p75 {st.P75:0.00}, n={st.N}</title></rect>");
                sb.AppendLine($"<line x1=\"{N(cx)}\" x2=\"{N(cx)}\" y1=\"{N(Y(st.P25))}\" y2=\"{N(Y(st.P75))}\" stroke=\"#222\"/>");
                sb.AppendLine($"<text x=\"{N(cx)}\" y=\"{N(Math.Min(Y(st.Median), Y(st.P75)) - 4)}\" text-anchor=\"middle\">{st.Median.ToString("0.0", Inv)}</text>");
            }
            sb.AppendLine($"<text x=\"{N(left + g * groupW + groupW / 2)}\" y=\"{N(top + plotH + 20)}\" text-anchor=\"middle\">{E(Labels.GetValueOrDefault(groups[g].Key, groups[g].Title))}</text>");
        }
        sb.AppendLine($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{N(Y(0))}\" y2=\"{N(Y(0))}\" stroke=\"#333\"/>");

        // Legend.
        double lx = left;
        for (int i = 0; i < runtimes.Count; i++, lx += 110)
        {
            sb.AppendLine($"<rect x=\"{N(lx)}\" y=\"{height - 28}\" width=\"12\" height=\"12\" fill=\"{Color(runtimes[i], i)}\"/>");
            sb.AppendLine($"<text x=\"{N(lx + 18)}\" y=\"{height - 18}\">{E(runtimes[i])}</text>");
        }
        sb.AppendLine($"<text x=\"{width - right}\" y=\"{height - 18}\" text-anchor=\"end\" fill=\"#777\">bar: median, whisker: p25–p75</text>");
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width) { lines.Add(line.ToString()); line.Clear(); }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        if (line.Length > 0) lines.Add(line.ToString());
        return lines;
    }

    static string Color(string runtime, int i) => Colors.GetValueOrDefault(runtime) ?? Fallback[i % Fallback.Length];

    static double NiceStep(double raw)
    {
        if (raw <= 0) return 1;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    static string N(double v) => v.ToString("0.#", Inv);
    static string E(string s) => WebUtility.HtmlEncode(s);
}
