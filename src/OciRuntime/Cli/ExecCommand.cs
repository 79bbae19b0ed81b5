using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.Launch;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Cli;

/// <summary>`exec`, with runc's flags, or a runtime-spec process document (--process) as containerd and conmon send.</summary>
internal static class ExecCommand
{
    /// <summary>runc's exit code when exec itself fails: every other code is the process's, so 1 would pass for
    /// the process's own failure.</summary>
    internal const int ExecFailed = 255;

    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("exec", "execute new process inside the container");
        var id = new Argument<string>("container-id");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore, Description = "command and arguments" };
        var process = new Option<string?>("--process", "-p") { Description = "path to the process.json" };
        var console = new Option<string?>("--console-socket") { Description = "path to an AF_UNIX socket which will receive the pty master" };
        var cwd = new Option<string?>("--cwd") { Description = "current working directory in the container" };
        var env = new Option<string[]>("--env", "-e") { Description = "set environment variables", AllowMultipleArgumentsPerToken = false };
        var tty = new Option<bool>("--tty", "-t") { Description = "allocate a pseudo-TTY" };
        var user = new Option<string?>("--user", "-u") { Description = "UID (format: <uid>[:<gid>])" };
        var gids = new Option<string[]>("--additional-gids", "-g") { Description = "additional gids" };
        var detach = new Option<bool>("--detach", "-d") { Description = "detach from the container's process" };
        var pidFile = new Option<string?>("--pid-file") { Description = "file to write the process id to" };
        var label = new Option<string?>("--process-label") { Description = "set the asm process label for the process commonly used with selinux" };
        var apparmor = new Option<string?>("--apparmor") { Description = "set the apparmor profile for the process" };
        var nnp = new Option<bool>("--no-new-privs") { Description = "set the no new privileges value for the process" };
        var caps = new Option<string[]>("--cap", "-c") { Description = "add a capability to the bounding set for the process" };
        var preserve = new Option<int>("--preserve-fds") { Description = "pass N additional file descriptors to the container" };
        var cgroup = new Option<string[]>("--cgroup") { Description = "run the process in an (existing) sub-cgroup(s): [<controller>[,...]:]<path>" };
        var ignorePaused = new Option<bool>("--ignore-paused") { Description = "allow exec in a paused container" };
        foreach (var o in new Option[] { process, console, cwd, env, tty, user, gids, detach, pidFile, label, apparmor, nnp, caps, preserve, cgroup, ignorePaused }) c.Add(o);
        c.Add(id); c.Add(command);
        c.SetHandler(globals, (r, g, timer) =>
        {
            string cid = r.GetValue(id)!;
            var store = g.Store();
            OciSpec.Process p;
            Container? container = null;
            if (r.GetValue(process) is { } file)
            {
                try { p = OciJson.ParseProcess(File.ReadAllBytes(file), file); }
                catch (FileNotFoundException) { throw new RuntimeError($"--process: {file} does not exist"); }
            }
            else
            {
                var args = r.GetValue(command) ?? [];
                if (args.Length == 0) throw new RuntimeError("exec: a command is required (or --process)");
                // The flags change the container's own process: its config is read here, once, and the
                // executor gets the opened container with it.
                container = Container.Open(store, cid);
                var config = container.Config().Process ?? throw new RuntimeError($"container {cid}: its config has no process");
                p = config with
                {
                    Args = [.. args],
                    Terminal = r.GetValue(tty),
                    Env = [.. config.Env ?? [], .. r.GetValue(env) ?? []],
                    Cwd = r.GetValue(cwd) ?? config.Cwd,
                    NoNewPrivileges = config.NoNewPrivileges || r.GetValue(nnp),
                    ApparmorProfile = r.GetValue(apparmor) ?? config.ApparmorProfile,
                    SelinuxLabel = r.GetValue(label) ?? config.SelinuxLabel,
                    User = ParseUser(r.GetValue(user), r.GetValue(gids), config.User),
                    Capabilities = AddCaps(config.Capabilities, r.GetValue(caps)),
                };
            }
            int preserveFds = r.GetValue(preserve);
            if (preserveFds < 0) throw new RuntimeError($"--preserve-fds: must not be negative, got {preserveFds}");
            return new ContainerExecutor(store, timer).Exec(new ExecOptions(cid, p, r.GetValue(console), r.GetValue(detach),
                r.GetValue(pidFile), preserveFds, r.GetValue(ignorePaused), SubCgroup.Parse(r.GetValue(cgroup))), container);
        }, failureCode: ExecFailed);
        return c;
    }

    private static User ParseUser(string? spec, string[]? gids, User current)
    {
        var u = current;
        if (!string.IsNullOrEmpty(spec))
        {
            var parts = spec.Split(':', 2);
            uint gid = u.Gid;
            if (uint.TryParse(parts[0], out uint uid) && (parts.Length == 1 || uint.TryParse(parts[1], out gid)))
                u = u with { Uid = uid, Gid = gid };
            else if (parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length == 0))
                throw new RuntimeError($"--user: \"{spec}\" is not <user>[:<group>]");
            else
                // A name: init looks it up in the container's /etc/passwd and /etc/group.
                u = u with { Username = spec };
        }
        if (gids is { Length: > 0 })
        {
            var list = new List<uint>();
            foreach (var g in gids.SelectMany(x => x.Split(',', StringSplitOptions.RemoveEmptyEntries)))
                list.Add(uint.TryParse(g, out uint v) ? v : throw new RuntimeError($"--additional-gids: \"{g}\" is not a number"));
            u = u with { AdditionalGids = list };
        }
        return u;
    }

    private static LinuxCapabilities? AddCaps(LinuxCapabilities? caps, string[]? add)
    {
        if (add is not { Length: > 0 }) return caps;
        caps ??= new LinuxCapabilities();
        List<string> Plus(List<string>? set) => [.. (set ?? []).Union(add)];
        // Never the inheritable set (nor ambient, which needs it): a capability there outlives an execve of a
        // file with inheritable file caps, which an image can ship (CVE-2022-29162; runc 1.1.2 and later do the same).
        return caps with { Bounding = Plus(caps.Bounding), Effective = Plus(caps.Effective), Permitted = Plus(caps.Permitted) };
    }

    /// <summary>
    /// runc stops reading its own flags at the container id, so `exec ID ls -la` passes "-la" to ls. Insert
    /// "--" after the id to get the same from the parser.
    /// </summary>
    internal static string[] Normalize(string[] args)
    {
        int exec = Array.IndexOf(args, "exec");
        if (exec < 0 || args.Contains("--")) return args;
        string[] withValue = ["--process", "-p", "--console-socket", "--cwd", "--env", "-e", "--user", "-u", "--additional-gids", "-g",
            "--pid-file", "--process-label", "--apparmor", "--cap", "-c", "--preserve-fds", "--cgroup",
            "--root", "--log", "--log-format", "--criu", "--rootless"];
        for (int i = exec + 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a.StartsWith('-'))
            {
                if (!a.Contains('=') && withValue.Contains(a)) i++;
                continue;
            }
            return [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
        }
        return args;
    }
}
