namespace Seccomp;

/// <summary>A profile the compiler cannot honour; the message is one line naming the JSON path and value.</summary>
public sealed class SeccompException : Exception
{
    public SeccompException(string message) : base(message) { }
}
