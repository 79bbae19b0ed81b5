namespace OciSpec;

/// <summary>A document could not be read. The message is one line naming the place and the problem,
/// e.g. <c>process.args[1]: expected string, got number</c>.</summary>
public sealed class SpecFormatException : Exception
{
    public SpecFormatException(string message, string jsonPath, int? line = null, Exception? inner = null)
        : base(message, inner)
    {
        JsonPath = jsonPath;
        Line = line;
    }

    /// <summary>Spec-style path of the offending value (<c>process.args[1]</c>); empty when the whole document is at fault.</summary>
    public string JsonPath { get; }

    /// <summary>1-based line of a syntax error, when known.</summary>
    public int? Line { get; }
}
