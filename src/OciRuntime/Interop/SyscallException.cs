using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

/// <summary>A failed system call, with the operation (and usually the path) it was for.</summary>
internal sealed class SyscallException(string operation, int errno)
    : Exception($"{operation}: {Describe(errno)}")
{
    public int Errno { get; } = errno;
    public string Operation { get; } = operation;

    internal static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
