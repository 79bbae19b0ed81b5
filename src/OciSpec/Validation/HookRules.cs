namespace OciSpec.Validation;

/// <summary>config.md "POSIX-platform Hooks".</summary>
internal static class HookRules
{
    public static void Check(Hooks? hooks, Report r)
    {
        if (hooks is null) return;
        CheckList(hooks.Prestart, "hooks.prestart", r);
        CheckList(hooks.CreateRuntime, "hooks.createRuntime", r);
        CheckList(hooks.CreateContainer, "hooks.createContainer", r);
        CheckList(hooks.StartContainer, "hooks.startContainer", r);
        CheckList(hooks.Poststart, "hooks.poststart", r);
        CheckList(hooks.Poststop, "hooks.poststop", r);
    }

    private static void CheckList(List<Hook>? list, string path, Report r)
    {
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string at = SpecPath.Index(path, i);
            Hook? h = list[i];
            if (h is null) { r.Add(at, "must be an object, got null"); continue; }
            // The spec extends execv: path MUST be absolute.
            if (string.IsNullOrEmpty(h.Path))
                r.Add(SpecPath.Member(at, "path"), "must not be empty");
            else if (!Syntax.IsAbsolute(h.Path))
                r.Add(SpecPath.Member(at, "path"), $"must be an absolute path, got {SpecPath.Q(h.Path)}");
            if (h.Timeout is int t && t <= 0)
                r.Add(SpecPath.Member(at, "timeout"), $"must be greater than zero, got {t}");
            ProcessRules.CheckEnv(h.Env, SpecPath.Member(at, "env"), r);
        }
    }
}
