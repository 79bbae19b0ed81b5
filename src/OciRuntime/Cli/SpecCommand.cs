using System.CommandLine;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cli;

internal static class SpecCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("spec", "create a new specification file (config.json)");
        var bundle = new Option<string>("--bundle", "-b") { DefaultValueFactory = _ => ".", Description = "path to the root of the bundle directory" };
        var rootless = new Option<bool>("--rootless") { Description = "generate a configuration for a rootless container" };
        c.Add(bundle); c.Add(rootless);
        c.SetHandler(globals, (r, _, _) =>
        {
            string dir = r.GetValue(bundle) ?? ".";
            string path = Path.Join(dir, "config.json");
            if (File.Exists(path)) throw new RuntimeError($"{path} exists: remove it first");
            if (!Directory.Exists(dir)) throw new RuntimeError($"--bundle: {dir} is not a directory");
            var spec = r.GetValue(rootless)
                ? SpecTemplates.WithRootlessIds(SpecTemplates.Rootless(), Sys.GetEuid(), (uint)Sys.Fast(Nr.getegid))
                : SpecTemplates.Default();
            File.WriteAllBytes(path, OciJson.Serialize(spec, indented: true));
            return 0;
        });
        return c;
    }
}
