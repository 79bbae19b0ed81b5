using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>The end of a systemd scope, the same for the v1 and v2 drivers.</summary>
internal static class SystemdScopeTeardown
{
    /// <summary>Kills what is left, stops the unit (systemd forgets an emptied scope by itself, and removes the
    /// directories it made; stopping one it forgot is not an error), then removes through <paramref name="files"/>
    /// whatever the container made or joined on its own. A unit systemd would not stop matters only if its cgroup is
    /// still there.</summary>
    internal static void Destroy(ICgroupManager files, string unit)
    {
        if (files.Exists()) { try { files.KillAll(Sys.SIGKILL); } catch (RuntimeError) { } }
        RuntimeError? stop = null;
        if (File.Exists(SystemdBus.PrivateSocket))
        {
            try
            {
                using var bus = SystemdBus.Connect();
                bus.StopUnit(unit);
            }
            catch (RuntimeError e) { stop = e; }
        }
        files.Destroy();
        if (stop is not null && files.Exists()) throw stop;
    }
}
