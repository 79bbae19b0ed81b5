using System.CommandLine;

namespace OciRuntime.Cli;

/// <summary>The global flags as System.CommandLine options (recursive, so they may follow the subcommand too).</summary>
internal sealed class GlobalOptionSet
{
    public Option<string> Root { get; } = new("--root") { Description = "root directory for storage of container state (tmpfs recommended)", DefaultValueFactory = _ => Security.Rootless.DefaultRoot(), Recursive = true };
    public Option<string?> Log { get; } = new("--log") { Description = "set the log file to write ocirun logs to (default is stderr)", Recursive = true };
    public Option<string> LogFormat { get; } = new("--log-format") { Description = "set the log format ('text' (default), or 'json')", DefaultValueFactory = _ => "text", Recursive = true };
    public Option<bool> Debug { get; } = new("--debug") { Description = "enable debug logging and a timing breakdown by phase", Recursive = true };
    public Option<bool> SystemdCgroup { get; } = new("--systemd-cgroup") { Description = "enable systemd cgroup support (slice:prefix:name cgroupsPath)", Recursive = true };
    public Option<string?> Criu { get; } = new("--criu") { Description = "path to the criu binary used for checkpoint and restore", Recursive = true };
    public Option<string?> Rootless { get; } = new("--rootless") { Description = "ignore cgroup permission errors ('true', 'false', or 'auto')", Recursive = true };

    public GlobalOptionSet()
    {
        LogFormat.AcceptOnlyFromAmong("text", "json");
    }

    public void AddTo(Command root)
    {
        root.Add(Root); root.Add(Log); root.Add(LogFormat); root.Add(Debug); root.Add(SystemdCgroup); root.Add(Criu); root.Add(Rootless);
    }

    public GlobalOptions From(ParseResult r)
    {
        string root = r.GetValue(Root) ?? Security.Rootless.DefaultRoot();
        return new GlobalOptions(Path.GetFullPath(root), r.GetValue(Log), r.GetValue(LogFormat) ?? "text", r.GetValue(Debug), r.GetValue(SystemdCgroup));
    }
}
