using System.CommandLine;
using OciRuntime.Launch;

namespace OciRuntime.Cli;

/// <summary>`create` and the flags it shares with `run`.</summary>
internal static class CreateCommand
{
    internal sealed class Flags
    {
        public Argument<string> Id { get; } = new("container-id") { Description = "the container's name, unique on this host" };
        public Option<string> Bundle { get; } = new("--bundle", "-b") { Description = "path to the root of the bundle directory (default: current directory)", DefaultValueFactory = _ => "." };
        public Option<string?> PidFile { get; } = new("--pid-file") { Description = "file to write the process id to" };
        public Option<string?> ConsoleSocket { get; } = new("--console-socket") { Description = "path to an AF_UNIX socket which will receive the pty master" };
        public Option<bool> NoPivot { get; } = new("--no-pivot") { Description = "do not use pivot_root to jail the process inside the rootfs" };
        public Option<bool> NoNewKeyring { get; } = new("--no-new-keyring") { Description = "do not create a new session keyring for the container" };
        public Option<int> PreserveFds { get; } = new("--preserve-fds") { Description = "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N)" };
        public Option<bool> Init { get; } = new("--init") { Description = "keep a small reaper as pid 1 that forwards signals and reaps orphans" };

        public void AddTo(Command c)
        {
            c.Add(Id); c.Add(Bundle); c.Add(PidFile); c.Add(ConsoleSocket); c.Add(NoPivot); c.Add(NoNewKeyring); c.Add(PreserveFds); c.Add(Init);
        }

        public CreateOptions From(ParseResult r)
        {
            int preserve = r.GetValue(PreserveFds);
            if (preserve < 0) throw new RuntimeError($"--preserve-fds: must not be negative, got {preserve}");
            return new CreateOptions(r.GetValue(Id)!, r.GetValue(Bundle) ?? ".", r.GetValue(PidFile), r.GetValue(ConsoleSocket),
                r.GetValue(NoPivot), r.GetValue(NoNewKeyring), preserve, r.GetValue(Init));
        }
    }

    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("create", "create a container");
        var f = new Flags();
        f.AddTo(c);
        c.SetHandler(globals, (r, g, timer) =>
        {
            new ContainerCreator(g, g.Store(), timer).Create(f.From(r), attached: false);
            return 0;
        });
        return c;
    }
}
