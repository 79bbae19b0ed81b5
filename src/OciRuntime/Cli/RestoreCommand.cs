using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.Launch;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Cli;

/// <summary>
/// `restore` with runc's flags: criu restores the process tree from the images into a new container record
/// (bundle's config, a fresh cgroup); the container is running afterwards, or the record is gone again.
/// </summary>
internal static class RestoreCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("restore", "restore a container from a previous checkpoint (with criu)");
        var id = new Argument<string>("container-id");
        var f = new CheckpointCommand.CriuFlags();
        var bundle = new Option<string>("--bundle", "-b") { Description = "path to the root of the bundle directory", DefaultValueFactory = _ => "." };
        var pidFile = new Option<string?>("--pid-file") { Description = "file to write the process id to" };
        var consoleSocket = new Option<string?>("--console-socket") { Description = "path to an AF_UNIX socket which will receive the pty master" };
        var detach = new Option<bool>("--detach", "-d") { Description = "detach from the container's process" };
        var noPivot = new Option<bool>("--no-pivot") { Description = "do not use pivot root to jail process inside rootfs" };
        var noSubreaper = new Option<bool>("--no-subreaper") { Description = "disable the use of the subreaper used to reap reparented processes" };
        c.Add(id); f.AddTo(c);
        foreach (var o in new Option[] { bundle, pidFile, consoleSocket, detach, noPivot, noSubreaper }) c.Add(o);
        c.SetHandler(globals, (r, g, timer) =>
        {
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            string dir = Path.GetFullPath(r.GetValue(bundle) ?? ".");
            var spec = SpecLoading.Load(dir);
            string rootfs = SpecLoading.RootfsOf(spec, dir);
            var store = g.Store();
            var (args, images, work) = f.Criu(r, Path.Join(Environment.CurrentDirectory, "checkpoint"));
            if (!File.Exists(Path.Join(images, "inventory.img")))
                throw new RuntimeError($"--image-path: {images} holds no checkpoint (no inventory.img)");
            RestoreFlags.Check(r.GetValue(detach), r.GetValue(consoleSocket), r.GetValue(noPivot));
            string pidPath = Path.Join(work, "restore.pid");
            using var entry = Container.Claim(store, cid);
            ICgroupManager? cgroup = null;
            try
            {
                cgroup = CgroupManagerFactory.Create(spec.Linux?.CgroupsPath, cid);
                entry.SaveFirst(new ContainerRecord
                {
                    Id = cid, Bundle = dir, Rootfs = rootfs, Created = DateTimeOffset.UtcNow, Owner = Environment.UserName,
                    Annotations = spec.Annotations, CgroupPath = cgroup.Path,
                }, spec);
                cgroup.Create();
                var criu = new List<string> { "restore", "--root", rootfs, "--restore-detached", "--restore-sibling",
                    "--pidfile", pidPath, "--log-file", "restore.log" };
                criu.AddRange(args);
                Criu.Run(r.GetValue(globals.Criu), "restore", criu, Path.Join(work, "restore.log"));
                int pid = int.Parse(File.ReadAllText(pidPath).Trim());
                cgroup.Apply(pid);
                entry.Complete(pid);
                PidFile.Write(r.GetValue(pidFile), pid);
            }
            catch
            {
                entry.Rollback(cgroup, rootfs);
                throw;
            }
            return 0;
        });
        return c;
    }
}
