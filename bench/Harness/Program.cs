// bench/Harness: the parts of bench/run.sh that hyperfine cannot express.
//   Harness bundles    --template T --dir D --prefix P --count N
//   Harness concurrent --runtime BIN --root R --template T --dir D --prefix P --count N --rounds K --out F
//   Harness engine     --runtime BIN --root R --template T --dir D --prefix P --runs N --warmup W --out F
//   Harness mounts     --dir D --count N    (inside run.sh's extra mount namespace)
//   Harness report     --raw D --runtimes "a b c" [--md F] [--json F] [--svg F]
// run.sh owns setup, namespaces and cleanup; this program only measures and reports.
using OciRun.Bench;

try
{
    if (args.Length == 0) return Usage();
    var opts = Options.Parse(args[1..]);
    return args[0] switch
    {
        "bundles" => Bundles.Run(opts),
        "concurrent" => await Concurrent.RunAsync(opts),
        "engine" => await Engine.RunAsync(opts),
        "mounts" => Mounts.Run(opts),
        "report" => Report.Run(opts),
        _ => Usage(),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"harness: {e.Message}");
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"harness: {e.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Harness bundles|concurrent|engine|mounts|report --option value ...");
    return 2;
}

namespace OciRun.Bench
{
    sealed class UsageException(string message) : Exception(message);

    /// <summary>"--name value" pairs; every option takes exactly one value.</summary>
    sealed class Options
    {
        readonly Dictionary<string, string> values = new();

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (int i = 0; i < args.Length; i += 2)
            {
                if (!args[i].StartsWith("--") || i + 1 >= args.Length)
                    throw new UsageException($"expected --name value at '{args[i]}'");
                o.values[args[i][2..]] = args[i + 1];
            }
            return o;
        }

        public string Get(string name) =>
            values.TryGetValue(name, out var v) ? v : throw new UsageException($"--{name} is required");

        public string? Maybe(string name) => values.GetValueOrDefault(name);

        public int Int(string name) =>
            int.TryParse(Get(name), out var v) ? v : throw new UsageException($"--{name} wants a number");
    }

    static class Bundles
    {
        public static int Run(Options o)
        {
            var ids = Make(o.Get("template"), o.Get("dir"), o.Get("prefix"), o.Int("count"));
            foreach (var id in ids) Console.WriteLine(id);
            return 0;
        }

        /// <summary>
        /// One bundle directory per container: just a config.json whose root.path points at the
        /// shared rootfs, with @ID@ replaced so each container gets its own cgroup.
        /// </summary>
        public static List<string> Make(string template, string dir, string prefix, int count)
        {
            var text = File.ReadAllText(template);
            var ids = new List<string>(count);
            for (int i = 1; i <= count; i++)
            {
                var id = $"{prefix}-{i}";
                Directory.CreateDirectory(Path.Combine(dir, id));
                File.WriteAllText(Path.Combine(dir, id, "config.json"), text.Replace("@ID@", id));
                ids.Add(id);
            }
            return ids;
        }
    }
}
