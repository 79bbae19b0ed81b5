using System.CommandLine;
using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.State;

namespace OciRuntime.Cli;

/// <summary>
/// `checkpoint` with runc's flags, wired to the criu binary (its command line, not its RPC). When criu fails
/// the error names criu and quotes its own messages (from its log), e.g. a kernel criu cannot initialise on.
/// </summary>
internal static class CheckpointCommand
{
    /// <summary>The flags checkpoint and restore share (runc's names).</summary>
    internal sealed class CriuFlags
    {
        public Option<string?> ImagePath { get; } = new("--image-path") { Description = "path for saving criu image files" };
        public Option<string?> WorkPath { get; } = new("--work-path") { Description = "path for saving work files and logs" };
        public Option<bool> TcpEstablished { get; } = new("--tcp-established") { Description = "allow open tcp connections" };
        public Option<bool> ExtUnixSk { get; } = new("--ext-unix-sk") { Description = "allow external unix sockets" };
        public Option<bool> ShellJob { get; } = new("--shell-job") { Description = "allow shell jobs" };
        public Option<bool> FileLocks { get; } = new("--file-locks") { Description = "handle file locks, for safety" };
        public Option<string?> ManageCgroupsMode { get; } = new("--manage-cgroups-mode") { Description = "cgroups mode: soft|full|strict|ignore" };
        public Option<string[]> EmptyNs { get; } = new("--empty-ns") { Description = "create a namespace, but don't restore its properties" };
        public Option<bool> LazyPages { get; } = new("--lazy-pages") { Description = "use userfaultfd to lazily restore memory pages" };
        public Option<bool> AutoDedup { get; } = new("--auto-dedup") { Description = "enable auto deduplication of memory images" };

        public void AddTo(Command c)
        {
            foreach (var o in new Option[] { ImagePath, WorkPath, TcpEstablished, ExtUnixSk, ShellJob, FileLocks, ManageCgroupsMode, EmptyNs, LazyPages, AutoDedup })
                c.Add(o);
        }

        /// <summary>The criu options these flags stand for; creates the image and work directories.</summary>
        public (List<string> Args, string Images, string Work) Criu(ParseResult r, string defaultImages)
        {
            string images = Path.GetFullPath(r.GetValue(ImagePath) ?? defaultImages);
            string work = Path.GetFullPath(r.GetValue(WorkPath) ?? images);
            Directory.CreateDirectory(images);
            Directory.CreateDirectory(work);
            var a = new List<string> { "--images-dir", images, "--work-dir", work, "-v4" };
            if (r.GetValue(TcpEstablished)) a.Add("--tcp-established");
            if (r.GetValue(ExtUnixSk)) a.Add("--ext-unix-sk");
            if (r.GetValue(ShellJob)) a.Add("--shell-job");
            if (r.GetValue(FileLocks)) a.Add("--file-locks");
            if (r.GetValue(LazyPages)) a.Add("--lazy-pages");
            if (r.GetValue(AutoDedup)) a.Add("--auto-dedup");
            if (r.GetValue(ManageCgroupsMode) is { } mode)
            {
                if (mode is not ("soft" or "full" or "strict" or "ignore"))
                    throw new RuntimeError($"--manage-cgroups-mode: \"{mode}\" is not soft, full, strict or ignore");
                a.AddRange(["--manage-cgroups", mode]);
            }
            return (a, images, work);
        }
    }

    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("checkpoint", "checkpoint a running container (with criu)");
        var id = new Argument<string>("container-id");
        var f = new CriuFlags();
        var leaveRunning = new Option<bool>("--leave-running") { Description = "leave the process running after checkpointing" };
        var parentPath = new Option<string?>("--parent-path") { Description = "path for previous criu image files in pre-dump" };
        var preDump = new Option<bool>("--pre-dump") { Description = "dump container's memory information only, leave the container running after this" };
        var pageServer = new Option<string?>("--page-server") { Description = "ADDRESS:PORT of the page server" };
        var statusFd = new Option<int?>("--status-fd") { Description = "criu writes \\0 to this FD once lazy-pages is ready" };
        c.Add(id); f.AddTo(c);
        foreach (var o in new Option[] { leaveRunning, parentPath, preDump, pageServer, statusFd }) c.Add(o);
        c.SetHandler(globals, (r, g, timer) =>
        {
            string cid = r.GetValue(id)!;
            var store = g.Store();
            using (var container = Container.Open(store, cid, locked: true))
            {
                container.Require(Operation.Checkpoint);
                var rec = container.Record;
                var (args, _, work) = f.Criu(r, Path.Join(Environment.CurrentDirectory, "checkpoint"));
                var criu = new List<string> { r.GetValue(preDump) ? "pre-dump" : "dump", "--tree", rec.Pid.ToString(), "--root", rec.Rootfs,
                    "--log-file", "dump.log" };
                criu.AddRange(args);
                if (r.GetValue(leaveRunning) || r.GetValue(preDump)) criu.Add("--leave-running");
                if (r.GetValue(parentPath) is { } parent) criu.AddRange(["--prev-images-dir", parent]);
                if (r.GetValue(pageServer) is { } ps)
                {
                    int colon = ps.LastIndexOf(':');
                    if (colon <= 0) throw new RuntimeError($"--page-server: \"{ps}\" is not ADDRESS:PORT");
                    criu.AddRange(["--page-server", "--address", ps[..colon], "--port", ps[(colon + 1)..]]);
                }
                if (r.GetValue(statusFd) is int sfd) criu.AddRange(["--status-fd", sfd.ToString()]);
                Criu.Run(r.GetValue(globals.Criu), "checkpoint", criu, Path.Join(work, "dump.log"));
            }
            if (!r.GetValue(leaveRunning) && !r.GetValue(preDump)) new ContainerDeleter(store).Delete(cid, true, Console.Error);
            return 0;
        });
        return c;
    }
}

/// <summary>Runs the criu binary; a failure names criu and carries the errors of its log.</summary>
internal static class Criu
{
    internal static void Run(string? binary, string command, IReadOnlyList<string> args, string logFile)
    {
        string criu = binary ?? "criu";
        string? resolved = criu.Contains('/') ? criu : (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin")
            .Split(':').Select(d => Path.Join(d, criu)).FirstOrDefault(File.Exists);
        if (resolved is null || !File.Exists(resolved))
            throw new RuntimeError($"criu: {criu} not found (install criu, or give its path with --criu)");
        var env = Environment.GetEnvironmentVariables().Keys.Cast<string>().Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").ToList();
        var (r, w) = Sys.Pipe();
        using var outR = new OwnedFd(r);
        int pid;
        using (var outW = new OwnedFd(w))
        using (var nul = new OwnedFd(Sys.Open("/dev/null", Sys.O_RDONLY)))
        {
            ulong mask = Sys.SetSignalMask(0);
            try { pid = Sys.Spawn(resolved, [criu, .. args], env, nul.Fd, outW.Fd, outW.Fd, inheritOthers: true); }
            catch (SyscallException e) { throw new RuntimeError($"criu: {e.Message}"); }
            finally { Sys.SetSignalMask(mask); }
        }
        var output = new MemoryStream();
        Span<byte> buf = stackalloc byte[4096];
        long n;
        while ((n = Sys.TryRead(outR.Fd, buf)) > 0) if (output.Length < 64 * 1024) output.Write(buf[..(int)n]);
        outR.Dispose();
        Sys.TryWait(pid, out int status, 0);
        if (status == 0) return;
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n').ToList();
        try { lines.AddRange(File.ReadAllLines(logFile)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        var errors = lines.Select(l => l.Trim()).Where(l => l.Contains("Error", StringComparison.Ordinal)).Distinct().TakeLast(6).ToList();
        if (errors.Count == 0) errors = lines.Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(4).ToList();
        string how = (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"killed by signal {status & 0x7f}";
        throw new RuntimeError($"criu {args[0]} failed ({how}): {string.Join("; ", errors)} (log: {logFile})");
    }
}
