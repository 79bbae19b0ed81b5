using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// One value a mapper wants written: the controller (v1 hierarchy, or v2 controller name; "" for core v2 files),
/// the file, the value, and the spec field it came from (for the error line).
/// </summary>
/// <param name="IsDefault">The kernel's default: skipped without error when the controller is absent.</param>
/// <param name="RetryOnInvalid">On EINVAL, try again after the rest of the list (cpu period vs quota).</param>
/// <param name="Verify">Read back and fail if the kernel clamped the value (cpu.shares).</param>
internal readonly record struct CgroupWrite(string Controller, string File, string Value, string Field,
    bool IsDefault = false, bool RetryOnInvalid = false, bool Verify = false);

/// <summary>What a mapper may look at before deciding: which files exist, current values. Never writes.</summary>
internal interface ICgroupView
{
    bool Has(string controller, string file);
    string? Read(string controller, string file);
}

/// <summary>A view over real directories (one per controller for v1, the same one for every controller on v2).</summary>
internal sealed class DirView(Func<string, string?> dirOf) : ICgroupView
{
    public bool Has(string controller, string file) => dirOf(controller) is { } d && CgroupFs.Has(d, file);
    public string? Read(string controller, string file) => dirOf(controller) is { } d ? CgroupFs.TryRead(d, file) : null;
}

/// <summary>Applies a mapper's list in order, with the error rules of issue #6.</summary>
internal static class CgroupWriter
{
    /// <param name="dirOf">Directory of a controller, or null if this host lacks it.</param>
    internal static void Apply(IReadOnlyList<CgroupWrite> writes, Func<string, string?> dirOf, string hostKind)
    {
        var retry = new List<CgroupWrite>();
        foreach (var w in writes)
        {
            var dir = dirOf(w.Controller);
            if (dir is null)
            {
                if (w.IsDefault) continue;
                throw new RuntimeError($"{w.Field}: the {w.Controller} controller is not available on this host ({hostKind})");
            }
            int err = CgroupFs.TryWrite(dir, w.File, w.Value);
            if (err == Errno.EINVAL && w.RetryOnInvalid) { retry.Add(w); continue; }
            if (err == Errno.ENOENT && w.IsDefault) continue;
            if (err != 0) throw CgroupFs.WriteError(dir, w.File, w.Value, w.Field, err);
            if (w.Verify) VerifyReadBack(dir, w);
        }
        foreach (var w in retry) CgroupFs.Write(dirOf(w.Controller)!, w.File, w.Value, w.Field);
    }

    private static void VerifyReadBack(string dir, CgroupWrite w)
    {
        var now = CgroupFs.TryRead(dir, w.File)?.Trim();
        if (now is null || now == w.Value || !ulong.TryParse(w.Value, out ulong want) || !ulong.TryParse(now, out ulong got)) return;
        string bound = got < want ? "maximum" : "minimum";
        throw new RuntimeError($"{w.Field}: the {bound} allowed value is {got} ({System.IO.Path.Join(dir, w.File)}), asked for {want}");
    }
}
