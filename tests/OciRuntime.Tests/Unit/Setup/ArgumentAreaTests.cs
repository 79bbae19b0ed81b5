using System.Text;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>The CLI's argument and environment areas that the setup process and --init's pid 1 overwrite: parsed
/// from /proc/self/stat without allocating, read once per program.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class ArgumentAreaTests
{
    /// <summary>A stat line with fields 48-51 set to 1000, 2000, 3000, 4000 after <paramref name="comm"/>.</summary>
    private static byte[] StatLine(string comm, int fields = 52)
    {
        var f = new List<string> { "42", $"({comm})" };
        for (int i = 3; i <= fields; i++) f.Add(i is >= 48 and <= 51 ? ((i - 47) * 1000).ToString() : i == 3 ? "S" : "0");
        return Encoding.ASCII.GetBytes(string.Join(' ', f) + "\n");
    }

    [Fact]
    public void Fields_48_to_51_are_read_after_a_command_name_holding_spaces_and_parentheses()
    {
        long* area = stackalloc long[4];
        Assert.True(ReaperRoutine.StatArea(StatLine("a ) b) c"), area));
        Assert.Equal([1000L, 2000, 3000, 4000], new[] { area[0], area[1], area[2], area[3] });
    }

    [Fact]
    public void A_line_that_ends_before_field_51_or_holds_no_number_there_gives_no_area()
    {
        long* area = stackalloc long[4];
        Assert.False(ReaperRoutine.StatArea(StatLine("x", fields: 50), area));
        Assert.False(ReaperRoutine.StatArea(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(StatLine("x")).Replace(" 3000 ", " 3k ")), area));
        Assert.False(ReaperRoutine.StatArea("42 no parenthesis"u8, area));
    }

    [Fact]
    public void The_area_read_is_this_process_s_own_command_line()
    {
        using var p = new SetupProgram();
        long* area = ReaperRoutine.ArgumentArea(p);
        Assert.True(area != null);
        // The bytes at arg_start..arg_end are what the kernel shows as this process's cmdline.
        var cmdline = File.ReadAllBytes("/proc/self/cmdline");
        var mine = new ReadOnlySpan<byte>((byte*)area[0], (int)(area[1] - area[0]));
        Assert.True(mine.SequenceEqual(cmdline));
        Assert.Equal(area[1], area[2]); // the kernel lays the environment out right after the arguments
    }

    [Fact]
    public void With_init_the_setup_process_and_pid_1_share_one_read()
    {
        using var p = new SetupProgram();
        var spec = OciJson.ParseSpec("""{"ociVersion":"1.2.0","process":{"args":["true"]},"linux":{"namespaces":[{"type":"mount"}]}}"""u8);
        var plan = new InitPlan { Id = "ocirun-test-a", Bundle = "/b", Rootfs = "/b/rootfs", FifoFd = 9, UseInit = true, ParentHooks = true };
        var c = new SetupContext(plan, spec, p) { };
        long* first = c.ArgumentArea;
        Assert.True(first == c.ArgumentArea);
        Assert.True(first != null);
    }
}
