using Seccomp.Tables;

namespace Seccomp;

/// <summary>
/// Syscall names and numbers per architecture, generated from the kernel uapi headers by
/// <c>tools/gen-syscall-tables.sh</c>. x32 numbers include <see cref="AuditArch.X32SyscallBit"/>.
/// The <c>arch</c> strings accept what <see cref="SeccompNames.TryParseArch"/> accepts.
/// </summary>
public static class SyscallTables
{
    public static bool TryGetNumber(string arch, string name, out int nr)
    {
        nr = -1;
        return SeccompNames.TryParseArch(arch, out var a) && TryGetNumber(a, name, out nr);
    }

    public static string? GetName(string arch, int nr) =>
        SeccompNames.TryParseArch(arch, out var a) ? GetName(a, nr) : null;

    public static int MaxNumber(string arch) =>
        SeccompNames.TryParseArch(arch, out var a) ? MaxNumber(a) : throw new ArgumentException($"unknown architecture {arch}", nameof(arch));

    public static bool TryGetNumber(SeccompArch arch, string name, out int nr)
    {
        nr = arch switch
        {
            SeccompArch.X86_64 => X86_64.Lookup(name),
            SeccompArch.X86 => X86.Lookup(name),
            SeccompArch.X32 => X32.Lookup(name),
            SeccompArch.Aarch64 => Aarch64.Lookup(name),
            SeccompArch.Arm => Arm.Lookup(name),
            _ => -1,
        };
        return nr >= 0;
    }

    public static string? GetName(SeccompArch arch, int nr) => arch switch
    {
        SeccompArch.X86_64 => X86_64.Name(nr),
        SeccompArch.X86 => X86.Name(nr),
        SeccompArch.X32 => X32.Name(nr),
        SeccompArch.Aarch64 => Aarch64.Name(nr),
        SeccompArch.Arm => Arm.Name(nr),
        _ => null,
    };

    public static int MaxNumber(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => X86_64.MaxNumber,
        SeccompArch.X86 => X86.MaxNumber,
        SeccompArch.X32 => X32.MaxNumber,
        SeccompArch.Aarch64 => Aarch64.MaxNumber,
        SeccompArch.Arm => Arm.MaxNumber,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    /// <summary>Every (name, number) of an arch, ascending by number; aliases share a number.</summary>
    public static IEnumerable<(string Name, int Nr)> Entries(SeccompArch arch)
    {
        var (names, numbers) = arch switch
        {
            SeccompArch.X86_64 => (X86_64.NamesJoined, X86_64.Numbers.ToArray()),
            SeccompArch.X86 => (X86.NamesJoined, X86.Numbers.ToArray()),
            SeccompArch.X32 => (X32.NamesJoined, X32.Numbers.ToArray()),
            SeccompArch.Aarch64 => (Aarch64.NamesJoined, Aarch64.Numbers.ToArray()),
            SeccompArch.Arm => (Arm.NamesJoined, Arm.Numbers.ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(arch)),
        };
        var split = names.Split(' ');
        for (int i = 0; i < numbers.Length; i++)
            yield return (split[i], numbers[i]);
    }

    /// <summary>The Debian package and version the table was generated from (it names the kernel).</summary>
    public static string HeaderSource(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => X86_64.KernelHeaders,
        SeccompArch.X86 => X86.KernelHeaders,
        SeccompArch.X32 => X32.KernelHeaders,
        SeccompArch.Aarch64 => Aarch64.KernelHeaders,
        SeccompArch.Arm => Arm.KernelHeaders,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };
}
