using System.Runtime.InteropServices;

namespace OciRun.Bench;

/// <summary>
/// `Harness mounts --dir D --count N`: a tmpfs on D and N empty tmpfs mounts under it (D/0 ... D/N-1), the large
/// host mount table of the run-mounts scenario. run.sh calls it inside a fresh `unshare --mount` whose namespace it
/// keeps by a bind mount, so the mounts exist in that namespace only and go with it. One process making N mount(2)
/// calls takes milliseconds; N runs of mount(8) would take seconds on a loaded machine.
/// </summary>
static partial class Mounts
{
    [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Mount(string source, string target, string fstype, ulong flags, string data);

    public static int Run(Options o)
    {
        string dir = o.Get("dir");
        int count = o.Int("count");
        Directory.CreateDirectory(dir);
        Check(Mount("ocirun-bench-many", dir, "tmpfs", 0, "mode=0755,size=1m"), dir);
        for (int i = 0; i < count; i++)
        {
            string target = Path.Combine(dir, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(target);
            // Empty and tiny: the mount table grows, memory does not.
            Check(Mount("ocirun-bench-many", target, "tmpfs", 0, "mode=0755,size=4k,nr_inodes=16"), target);
        }
        return 0;
    }

    static void Check(int rc, string target)
    {
        if (rc != 0)
            throw new IOException($"mount tmpfs on {target}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }
}
