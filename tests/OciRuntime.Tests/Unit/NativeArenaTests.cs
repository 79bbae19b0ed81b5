using OciRuntime.Interop;

namespace OciRuntime.Tests.Unit;

/// <summary>The one builder of argv/envp arrays: NUL-terminated UTF-8 strings in a NULL-terminated array, with
/// NULL spare slots a routine may fill in later.</summary>
public sealed unsafe class NativeArenaTests
{
    [Fact]
    public void A_string_array_is_NULL_terminated_and_keeps_its_spare_slots_empty()
    {
        using var arena = new NativeArena();
        byte** argv = arena.StrArray(["/bin/sh", "-c", "écho"], spare: 2);
        Assert.Equal("/bin/sh", CString.Read(argv[0]));
        Assert.Equal("-c", CString.Read(argv[1]));
        Assert.Equal("écho", CString.Read(argv[2]));
        Assert.True(argv[3] == null && argv[4] == null && argv[5] == null);
    }

    [Fact]
    public void An_empty_list_is_just_the_terminating_NULL()
    {
        using var arena = new NativeArena();
        byte** envp = arena.StrArray([]);
        Assert.True(envp[0] == null);
    }
}
