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

        // Without a mount namespace these would have to change the host's mount table (remount it read-only, mask
        // its /proc files, change its propagation): the root setup that would apply them runs only in a namespace
        // of the container's own.
        if (Namespaces.Has(spec, NamespaceKind.Mount)) return;
        const string why = "needs a mount namespace (linux.namespaces has no \"mount\"; it would change the host's mounts)";
        if (spec.Root?.Readonly == true) throw new RuntimeError($"root.readonly: {why}");
        if (spec.Linux?.MaskedPaths is { Count: > 0 }) throw new RuntimeError($"linux.maskedPaths: {why}");
        if (spec.Linux?.ReadonlyPaths is { Count: > 0 }) throw new RuntimeError($"linux.readonlyPaths: {why}");
        if (!string.IsNullOrEmpty(spec.Linux?.RootfsPropagation)) throw new RuntimeError($"linux.rootfsPropagation: {why}");
    }
}
