using System.Text.Json;

namespace OciSpec;

// state.json and the seccomp agent's container process state.
internal static partial class FastReader
{
    private static State ReadState(ref Utf8JsonReader r)
    {
        string ociVersion = null!, id = null!, status = null!, bundle = null!;
        int pid = 0;
        Dictionary<string, string>? annotations = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "ociversion": ociVersion = StrReq(ref r); break;
                case "id": id = StrReq(ref r); break;
                case "status": status = StrReq(ref r); break;
                case "pid": pid = I32(ref r); break;
                case "bundle": bundle = StrReq(ref r); break;
                case "annotations": annotations = StringMap(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new State { OciVersion = ociVersion, Id = id, Status = status, Pid = pid, Bundle = bundle, Annotations = annotations };
    }

    private static ContainerProcessState ReadContainerProcessState(ref Utf8JsonReader r)
    {
        string ociVersion = null!;
        List<string> fds = null!;
        int pid = 0;
        string? metadata = null;
        State state = null!;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "ociversion": ociVersion = StrReq(ref r); break;
                case "fds": fds = ArrayOrNull(ref r) ? Strings(ref r)! : throw Bail(); break;
                case "pid": pid = I32(ref r); break;
                case "metadata": metadata = Str(ref r); break;
                case "state": state = ObjReq(ref r, ReadState); break;
                default: r.Skip(); break;
            }
        }
        return new ContainerProcessState { OciVersion = ociVersion, Fds = fds, Pid = pid, Metadata = metadata, State = state };
    }
}
