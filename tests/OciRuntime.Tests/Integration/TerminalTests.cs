using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using OciRuntime.Tests.Support;
using static OciRuntime.Tests.Integration.HostShell;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// process.terminal: the pty master over --console-socket (a receiver here takes it, types, reads), and the
/// caller's own terminal when there is no console socket (ocirun run under script(1), which gives it a pty).
/// </summary>
public sealed class TerminalTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private Bundle TerminalBundle(params string[] args)
    {
        var b = _s.NewBundle(args);
        b.Process["terminal"] = true;
        b.Save();
        return b;
    }

    [Fact]
    public void Console_socket_receives_a_pty_master_that_drives_the_shell()
    {
        var b = TerminalBundle("sh");
        using var sock = new ConsoleReceiver();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--console-socket", sock.Path, "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        using var master = sock.Master(TimeSpan.FromSeconds(10));
        master.Write("tty; echo answer-$((6*7))\n");
        string text = master.ReadUntil("answer-42", TimeSpan.FromSeconds(10));
        Assert.Contains("/dev/pts/0", text);
        Assert.Contains("answer-42", text);
        master.Write("exit 0\n");
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped", 10_000);
    }

    [Fact]
    public void Console_size_is_applied()
    {
        var b = TerminalBundle("sh", "-c", "stty size; sleep 1000");
        b.Process["consoleSize"] = new System.Text.Json.Nodes.JsonObject { ["height"] = 31, ["width"] = 97 };
        b.Save();
        using var sock = new ConsoleReceiver();
        var r = _s.Oci("run", "-d", "--console-socket", sock.Path, "--bundle", b.Dir, _s.NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        using var master = sock.Master(TimeSpan.FromSeconds(10));
        Assert.Contains("31 97", master.ReadUntil("31 97", TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Exec_t_with_console_socket_sends_the_master_and_returns_the_exit_code()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        using var sock = new ConsoleReceiver();
        var exec = Task.Run(() => _s.Oci("exec", "-t", "--console-socket", sock.Path, id, "sh"));
        using var master = sock.Master(TimeSpan.FromSeconds(10));
        master.Write("tty; echo exec-$((5*5)); exit 6\n");
        string text = master.ReadUntil("exec-25", TimeSpan.FromSeconds(10));
        Assert.Matches("/dev/pts/[0-9]+", text);
        var r = exec.Result;
        Assert.True(r.ExitCode == 6, r.ToString() + "\npty: " + text);
    }

    [Fact]
    public void Run_in_the_foreground_attaches_the_callers_terminal()
    {
        var b = TerminalBundle("sh");
        var r = Run(_s, "(sleep 1; printf 'tty; echo hi-$((1+2)); stty size; exit 3\\n') | " +
                        $"script -qec {Q($"stty rows 33 cols 91; $OCI run --bundle {b.Dir} {_s.NewId()}; echo ocirun-exit=$?; stty -a")} /dev/null");
        Assert.Contains("/dev/pts/0", r.Stdout);
        Assert.Contains("hi-3", r.Stdout);
        Assert.Contains("33 91", r.Stdout); // the caller's window size
        Assert.Contains("ocirun-exit=3", r.Stdout);
        // The caller's terminal is back in cooked mode with echo.
        string after = r.Stdout[r.Stdout.IndexOf("ocirun-exit", StringComparison.Ordinal)..];
        Assert.Contains(" icanon ", after);
        Assert.Contains(" echo ", after);
    }

    [Fact]
    public void Init_with_a_terminal_makes_the_process_the_foreground_group_so_ctrl_c_reaches_it()
    {
        var b = TerminalBundle("sh");
        var r = Run(_s, "(sleep 1; printf 'sleep 30\\n'; sleep 1; printf '\\003'; sleep 0.5; printf 'echo after-int-$((3*3)); exit 5\\n') | " +
                        $"script -qec {Q($"$OCI run --init --bundle {b.Dir} {_s.NewId()}; echo ocirun-exit=$?")} /dev/null");
        Assert.Contains("after-int-9", r.Stdout); // ^C ended the sleep, not the shell
        Assert.Contains("ocirun-exit=5", r.Stdout);
    }

    [Fact]
    public void The_callers_terminal_is_restored_when_the_container_fails_to_start()
    {
        // Fails after the terminal was attached (raw mode): a startContainer hook says no.
        var b = TerminalBundle("sh");
        b.Config["hooks"] = new System.Text.Json.Nodes.JsonObject
        {
            ["startContainer"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                { ["path"] = "/bin/sh", ["args"] = new System.Text.Json.Nodes.JsonArray("sh", "-c", "echo start-hook-refused >&2; exit 1") }),
        };
        b.Save();
        var r = Run(_s, $"script -qec {Q($"$OCI run --bundle {b.Dir} {_s.NewId()}; echo ocirun-exit=$?; stty -a")} /dev/null");
        Assert.Contains("start-hook-refused", r.Stdout);
        Assert.Contains("ocirun-exit=1", r.Stdout);
        string after = r.Stdout[r.Stdout.IndexOf("ocirun-exit", StringComparison.Ordinal)..];
        Assert.Contains(" icanon ", after);
        Assert.Contains(" echo ", after);
    }

    [Fact]
    public void Exec_t_in_the_foreground_attaches_the_callers_terminal()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        var r = Run(_s, "(sleep 1; printf 'tty; echo exec-hi-$((2+2)); exit 4\\n') | " +
                        $"script -qec {Q($"$OCI exec -t {id} sh; echo ocirun-exit=$?")} /dev/null");
        Assert.Matches("/dev/pts/[0-9]+", r.Stdout);
        Assert.Contains("exec-hi-4", r.Stdout);
        Assert.Contains("ocirun-exit=4", r.Stdout);
    }

    [Fact]
    public void A_detached_terminal_without_console_socket_is_refused()
    {
        var b = TerminalBundle("sh");
        var r = _s.Oci("run", "-d", "--bundle", b.Dir, _s.NewId());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("console-socket", r.Stderr);
    }
}

/// <summary>The receiving end of --console-socket: takes the pty master (SCM_RIGHTS).</summary>
internal sealed class ConsoleReceiver : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly Task<int> _master;
    public string Path { get; } = System.IO.Path.Join(System.IO.Path.GetTempPath(), $"ocirun-test-console-{Guid.NewGuid():N}.sock");

    public ConsoleReceiver()
    {
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(1);
        _master = Task.Run(async () =>
        {
            using var conn = await _listener.AcceptAsync();
            return ReceiveFd((int)conn.Handle);
        });
    }

    public PtyMaster Master(TimeSpan timeout) =>
        _master.Wait(timeout) ? new PtyMaster(_master.Result) : throw new TimeoutException("no pty master on the console socket");

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(Path);
    }

    [StructLayout(LayoutKind.Sequential)] private struct IoVec { public nint Base; public nuint Len; }
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr { public nint Name; public uint NameLen; public nint Iov; public nuint IovLen; public nint Control; public nuint ControlLen; public int Flags; }

    [DllImport("libc", SetLastError = true)] private static extern unsafe nint recvmsg(int fd, MsgHdr* msg, int flags);

    private static unsafe int ReceiveFd(int socket)
    {
        byte* data = stackalloc byte[4096];
        byte* control = stackalloc byte[64];
        var iov = new IoVec { Base = (nint)data, Len = 4096 };
        var msg = new MsgHdr { Iov = (nint)(&iov), IovLen = 1, Control = (nint)control, ControlLen = 64 };
        if (recvmsg(socket, &msg, 0x40000000 /* MSG_CMSG_CLOEXEC */) < 0) throw new IOException($"recvmsg: errno {Marshal.GetLastPInvokeError()}");
        if (msg.ControlLen < 20 || *(int*)(control + 8) != 1 || *(int*)(control + 12) != 1) throw new IOException("no descriptor in the message");
        return *(int*)(control + 16);
    }
}

/// <summary>A pty master: write what a person types, read what the container prints.</summary>
internal sealed class PtyMaster(int fd) : IDisposable
{
    private readonly StringBuilder _seen = new();

    [DllImport("libc", SetLastError = true)] private static extern unsafe nint read(int fd, byte* buf, nuint n);
    [DllImport("libc", SetLastError = true)] private static extern unsafe nint write(int fd, byte* buf, nuint n);
    [DllImport("libc", SetLastError = true)] private static extern unsafe int poll(long* fds, nuint n, int timeout);
    [DllImport("libc")] private static extern int close(int fd);

    public unsafe void Write(string text)
    {
        var b = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = b) if (write(fd, p, (nuint)b.Length) != b.Length) throw new IOException("write to the pty master");
    }

    /// <summary>Reads until <paramref name="marker"/> appears, the pty closes, or time is up; returns all read so far.</summary>
    public unsafe string ReadUntil(string marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        byte* buf = stackalloc byte[4096];
        while (!_seen.ToString().Contains(marker) && DateTime.UtcNow < deadline)
        {
            long pfd = fd | (1L << 32); // struct pollfd { int fd; short events = POLLIN; short revents; }
            if (poll(&pfd, 1, 200) <= 0) continue;
            nint n = read(fd, buf, 4096);
            if (n <= 0) break;
            _seen.Append(Encoding.UTF8.GetString(buf, (int)n));
        }
        return _seen.ToString();
    }

    public void Dispose() => close(fd);
}
