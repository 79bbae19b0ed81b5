using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// process.apparmorProfile and process.selinuxLabel: the label the next execve takes, written by the setup program
/// on the thread that execs (Setup/ProcessCompiler); checked here. A non-empty value on a host without the LSM is an error naming the field: a config that
/// asks for confinement must not run unconfined without anyone noticing (runc refuses an AppArmor profile on a
/// host without AppArmor the same way). An empty value means "none" and is accepted everywhere.
/// </summary>
internal static class LsmSetup
{
    /// <summary>AppArmor is enabled when the kernel module says so (runc's test), whether or not securityfs is mounted.</summary>
    internal static bool AppArmorEnabled()
    {
        try
        {
            return File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y');
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>SELinux is enabled when selinuxfs is mounted and the process has a real context (go-selinux's test).</summary>
    internal static bool SelinuxEnabled()
    {
        if (!File.Exists("/sys/fs/selinux/enforce")) return false;
        try { return File.ReadAllText("/proc/self/attr/current").TrimEnd('\0', '\n') is not ("" or "kernel"); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Checked by the parent before anything exists, so a bad config fails early and cleanly.</summary>
    internal static void Check(OciSpec.Process process)
    {
        if (!string.IsNullOrEmpty(process.ApparmorProfile) && !AppArmorEnabled())
            throw new RuntimeError($"process.apparmorProfile: \"{process.ApparmorProfile}\" is set but AppArmor is not enabled on this host (leave it empty to run without a profile)");
        if (!string.IsNullOrEmpty(process.SelinuxLabel) && !SelinuxEnabled())
            throw new RuntimeError($"process.selinuxLabel: \"{process.SelinuxLabel}\" is set but SELinux is not enabled on this host (leave it empty to run without a label)");
    }

}
