using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>
/// The setup program's builder: slots, conditions, the words of a failure. (The interpreter runs in every container
/// the integration tests make: a JIT-compiled test host cannot run it in a clone, where nothing may be compiled.)
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class SetupProgramTests
{
    [Fact]
    public void A_failure_is_worded_with_the_operations_field_and_step()
    {
        using var p = new SetupProgram();
        int bad = p.Slot("bad");
        p.Syscall("", "close a descriptor that is not open", Nr.close, 100000).Tolerate(Errno.EBADF).Into(bad);
        p.Syscall("mounts[3] (/data)", "close again", Nr.close, 100001);
        p.Routine(CoreRoutines.Exit, "", "exit", 0).Words((errno, detail) => $"detail {detail}");
        Assert.Equal("mounts[3] (/data): close again: Bad file descriptor", p.Describe(1, Errno.EBADF, 0));
        Assert.Equal("exit: detail 4", p.Describe(2, Errno.EIO, 4));
        Assert.Contains("container setup operation 9", p.Describe(9, Errno.EIO, 0));
    }

    [Fact]
    public void The_printed_program_shows_slots_conditions_and_tolerated_errnos()
    {
        using var p = new SetupProgram();
        int pid = p.Slot("pid"), zero = p.Slot("zero", 0), one = p.Slot("one", 1);
        p.Syscall("", "getpid", Nr.getpid).Into(pid);
        p.Syscall("", "signal 0", Nr.kill, Arg.Slot(pid), 0);
        p.Syscall("linux.sysctl", "skipped unless zero is set", Nr.close, 1002).When(zero).Tolerate(Errno.ENOENT);
        p.Syscall("", "skipped if one is set", Nr.close, 1003).Unless(one);
        string text = p.Print();
        Assert.Contains("-> $0 (pid)", text);
        Assert.Contains("kill($0, 0)", text);
        Assert.True(text.Contains("if $1 close(1002) tolerating -2   [linux.sysctl]"), text);
        Assert.Contains("unless $2 close(1003)", text);
        var z = p.Seal(5);
        Assert.Equal(4, z->OpCount);
        Assert.Equal(1, z->Ops[1].SlotMask);
        Assert.Equal(1, z->Slots[2]);
        Assert.Equal(5, z->SyncFd);
        Assert.Equal(-1, z->FifoFd);
    }

    [Fact]
    public void Operations_after_the_gate_carry_their_words_for_the_exec_fifo()
    {
        using var p = new SetupProgram();
        p.Syscall("", "before", Nr.getpid);
        p.AfterGate();
        p.Syscall("process.args[0]", "exec /bin/x", Nr.execve, 0, 0, 0);
        var z = p.Seal(-1);
        Assert.True(z->FailText[0] == null);
        Assert.Equal("process.args[0]: exec /bin/x", new string((sbyte*)z->FailText[1]));
    }
}
