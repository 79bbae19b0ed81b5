namespace Conformance.Support;

/// <summary>
/// The runtime-spec sentence a case checks, quoted verbatim, with the file it comes from.
/// It is documentation first: a reader of a failing case should see at once what the
/// spec demands, without opening the spec.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class SpecAttribute(string file, string sentence) : Attribute
{
    public string File { get; } = file;
    public string Sentence { get; } = sentence;
}
