using System.Text;
using OciSpec;

namespace OciRuntime.Hooks;

/// <summary>The state document hooks receive on stdin (runtime.md "State").</summary>
internal static class HookState
{
    internal static string Json(string id, string status, int pid, string bundle, Dictionary<string, string>? annotations) =>
        Encoding.UTF8.GetString(OciJson.Serialize(new OciSpec.State
        {
            OciVersion = RuntimeInfo.OciVersion, Id = id, Status = status, Pid = pid, Bundle = bundle, Annotations = annotations,
        }));
}
