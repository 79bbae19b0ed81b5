using System.Text;

namespace OciSpec.Validation;

/// <summary>Collects errors for one validation run; one instance per call, so nothing is shared between threads.</summary>
internal sealed class Report
{
    public List<SpecError> Errors { get; } = [];

    public void Add(string path, string message) => Errors.Add(new SpecError(path, message));
}

/// <summary>Builds the spec-style paths used in messages: <c>process.args[1]</c>, <c>linux.sysctl["net.ipv4.ip_forward"]</c>.</summary>
internal static class SpecPath
{
    public static string Member(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Map keys are data, not schema, so they are always quoted.</summary>
    public static string Key(string parent, string key) => $"{parent}[{Q(key)}]";

    /// <summary>Quote a value for a message, escaping so a hostile value cannot break the one-line format.</summary>
    public static string Q(string? value)
    {
        if (value is null)
            return "null";
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
