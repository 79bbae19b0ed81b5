using OciSpec;

namespace OciRuntime.Launch;

/// <summary>Fields `create` does not act on and must therefore refuse rather than ignore (issue: nothing silently
/// ignored). The list of who honours or refuses every field is tests/OciRuntime.Tests/Unit/FieldHandlingTests.cs.</summary>
internal static class ConfigRefusals
{
    internal static void Check(Spec spec)
    {
        // config.md gives username to Windows; `exec` resolves it (exec --user name), `create` would run as uid/gid.
        if (!string.IsNullOrEmpty(spec.Process?.User?.Username))
            throw new RuntimeError($"process.user.username: is a Windows field; on Linux give process.user.uid and gid (got \"{spec.Process.User.Username}\")");
    }
}
