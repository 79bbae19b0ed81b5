using OciRuntime.Cgroups;

namespace OciRuntime.Tests.Cgroups;

/// <summary>A temporary directory laid out like cgroupfs: one directory per v1 controller (or one v2 directory), files pre-made.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class FakeTree : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("ocirun-test-cgfs-").FullName;
    public const string Path = "/ocirun/ocirun-test-c1";

    /// <summary>The container's directory under controller <paramref name="ctrl"/> ("" for a v2 tree).</summary>
    public string Dir(string ctrl) => System.IO.Path.Join(Root, ctrl, Path);

    public FakeTree With(string ctrl, string file, string content = "")
    {
        Directory.CreateDirectory(Dir(ctrl));
        File.WriteAllText(System.IO.Path.Join(Dir(ctrl), file), content);
        return this;
    }

    public string Read(string ctrl, string file) => File.ReadAllText(System.IO.Path.Join(Dir(ctrl), file));

    public bool Exists(string ctrl, string file) => File.Exists(System.IO.Path.Join(Dir(ctrl), file));

    /// <summary>A v1 layout whose hierarchies are directories of this tree.</summary>
    internal CgroupLayout V1Layout(params string[] controllers)
    {
        var lines = controllers.Select((c, i) => $"{30 + i} 20 0:{40 + i} / {System.IO.Path.Join(Root, c)} rw,relatime - cgroup cgroup rw,{c}").ToList();
        return CgroupLayout.Parse(lines);
    }

    internal V1Manager V1(params string[] controllers)
    {
        foreach (var c in controllers) Directory.CreateDirectory(Dir(c));
        return new V1Manager(V1Layout(controllers), Path, _ => Path);
    }

    internal V2Manager V2(params string[] controllers)
    {
        With("", "cgroup.controllers", string.Join(' ', controllers) + "\n");
        return new V2Manager(Root, Path);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}

/// <summary>A view over literal file contents, for mappers that look before they write.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class MapView(Dictionary<string, string> files) : ICgroupView
{
    public MapView() : this([]) { }
    public bool Has(string controller, string file) => files.ContainsKey(file);
    public string? Read(string controller, string file) => files.GetValueOrDefault(file);
}
