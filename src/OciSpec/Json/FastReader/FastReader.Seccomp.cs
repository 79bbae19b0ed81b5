using System.Text.Json;

namespace OciSpec;

// linux.seccomp.
internal static partial class FastReader
{
    private static LinuxSeccomp ReadSeccomp(ref Utf8JsonReader r)
    {
        string defaultAction = null!;
        uint? defaultErrnoRet = null;
        List<string>? architectures = null, flags = null;
        string? listenerPath = null, listenerMetadata = null;
        List<LinuxSyscall>? syscalls = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "defaultaction": defaultAction = StrReq(ref r); break;
                case "defaulterrnoret": defaultErrnoRet = U32N(ref r); break;
                case "architectures": architectures = Strings(ref r); break;
                case "flags": flags = Strings(ref r); break;
                case "listenerpath": listenerPath = Str(ref r); break;
                case "listenermetadata": listenerMetadata = Str(ref r); break;
                case "syscalls": syscalls = Objects(ref r, ReadSyscall); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxSeccomp
        {
            DefaultAction = defaultAction, DefaultErrnoRet = defaultErrnoRet, Architectures = architectures, Flags = flags,
            ListenerPath = listenerPath, ListenerMetadata = listenerMetadata, Syscalls = syscalls,
        };
    }

    private static LinuxSyscall ReadSyscall(ref Utf8JsonReader r)
    {
        List<string>? names = null;
        string action = null!;
        uint? errnoRet = null;
        List<LinuxSeccompArg>? args = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "names": names = Strings(ref r); break;
                case "action": action = StrReq(ref r); break;
                case "errnoret": errnoRet = U32N(ref r); break;
                case "args": args = Objects(ref r, ReadSeccompArg); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxSyscall { Names = names, Action = action, ErrnoRet = errnoRet, Args = args };
    }

    private static LinuxSeccompArg ReadSeccompArg(ref Utf8JsonReader r)
    {
        uint index = 0;
        ulong value = 0, valueTwo = 0;
        string op = null!;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "index": index = U32(ref r); break;
                case "value": value = U64(ref r); break;
                case "valuetwo": valueTwo = U64(ref r); break;
                case "op": op = StrReq(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxSeccompArg { Index = index, Value = value, ValueTwo = valueTwo, Op = op };
    }
}
