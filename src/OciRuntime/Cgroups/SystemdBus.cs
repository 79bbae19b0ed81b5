using System.Net.Sockets;
using OciRuntime.Interop;
using Tmds.DBus.Protocol;

namespace OciRuntime.Cgroups;

/// <summary>
/// systemd's manager over D-Bus, on its private socket (root only, no bus daemon needed: what runc's driver uses as
/// root). Only the calls the cgroup driver needs; every job is awaited through the JobRemoved signal.
/// </summary>
internal sealed class SystemdBus : IDisposable
{
    internal const string PrivateSocket = "/run/systemd/private";
    private const string Service = "org.freedesktop.systemd1";
    private const string ManagerPath = "/org/freedesktop/systemd1";
    private const string Manager = "org.freedesktop.systemd1.Manager";
    // Generous: a loaded host (or a guest in software emulation) can stall a fresh process for many seconds, and a
    // wait that gives up early leaves a half-made container to clean up.
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(120);
    // A healthy handshake takes well under a second even in the software-emulated guest; no retry: a stall is a bug.
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly DBusConnection _conn;
    private readonly Dictionary<string, string> _finished = new();
    // Monitor.Wait needs a plain object (System.Threading.Lock has no condition wait).
    private readonly object _gate = new();

    private SystemdBus(DBusConnection conn) => _conn = conn;

    // MessageWriter is a struct: the body is written through a reference, or the header never learns its length.
    private delegate void BodyWriter(ref MessageWriter w);

    /// <summary>Connects and subscribes to the manager's signals (on a private connection, Subscribe is what makes
    /// systemd send JobRemoved to us).</summary>
    internal static SystemdBus Connect()
    {
        var conn = new DBusConnection(new PrivateSocketOptions());
        try
        {
            conn.ConnectAsync().AsTask().WaitAsync(ConnectTimeout).GetAwaiter().GetResult();
            var bus = new SystemdBus(conn);
            bus.WatchJobs();
            bus.Send("Subscribe", "", (ref MessageWriter _) => { });
            return bus;
        }
        catch (Exception e) when (e is not RuntimeError)
        {
            conn.Dispose();
            string why = e is TimeoutException ? $"no answer in {ConnectTimeout.TotalSeconds:0} s" : e.Message;
            throw new RuntimeError($"--systemd-cgroup: connect to systemd at {PrivateSocket}: {why}");
        }
        catch
        {
            conn.Dispose();
            throw;
        }
    }

    /// <summary>The private socket, connected by us, with the handshake systemd's own clients use
    /// (<see cref="SystemdAuthStream"/> says why).</summary>
    private sealed class PrivateSocketOptions : DBusConnectionOptions
    {
        protected override ValueTask<SetupResult> SetupAsync(CancellationToken cancellationToken)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try { socket.Connect(new UnixDomainSocketEndPoint(PrivateSocket)); }
            catch { socket.Dispose(); throw; }
            return new(new SetupResult
            {
                ConnectionStream = new SystemdAuthStream(new NetworkStream(socket, ownsSocket: true)),
                UserId = Sys.Fast(Nr.getuid).ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }
    }

    private void WatchJobs()
    {
        var rule = new MatchRule { Type = MessageType.Signal, Interface = Manager, Member = "JobRemoved" };
        _conn.AddMatchAsync(rule,
            static (Message m, object? _) =>
            {
                var r = m.GetBodyReader();
                r.ReadUInt32();
                string job = r.ReadObjectPathAsString();
                r.ReadString();
                return (Job: job, Result: r.ReadString());
            },
            n =>
            {
                if (!n.HasValue) return;
                lock (_gate) { _finished[n.Value.Job] = n.Value.Result; Monitor.PulseAll(_gate); }
            },
            false, ObserverFlags.None).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>StartTransientUnit(name, "fail", properties, no aux units); returns once the job is done.</summary>
    internal void StartTransientUnit(string unit, IReadOnlyList<SystemdProperty> props)
    {
        string job = Call("StartTransientUnit", "ssa(sv)a(sa(sv))", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteString("fail");
            WriteProperties(ref w, props);
            var aux = w.WriteArrayStart(DBusType.Struct);
            w.WriteArrayEnd(aux);
        }, ReadObjectPath);
        string result = AwaitJob(job);
        if (result != "done")
            throw new RuntimeError($"linux.cgroupsPath: systemd could not start {unit}: job {result}");
    }

    internal void SetUnitProperties(string unit, IReadOnlyList<SystemdProperty> props)
    {
        if (props.Count == 0) return;
        Send("SetUnitProperties", "sba(sv)", (ref MessageWriter w) =>
        {
            w.WriteString(unit);
            w.WriteBool(true); // runtime: not written to /etc
            WriteProperties(ref w, props);
        });
    }

    /// <summary>StopUnit(name, "replace") and its job; a unit systemd no longer knows is already stopped.</summary>
    internal void StopUnit(string unit)
    {
        string job;
        try { job = Call("StopUnit", "ss", (ref MessageWriter w) => { w.WriteString(unit); w.WriteString("replace"); }, ReadObjectPath); }
        catch (RuntimeError e) when (e.Message.Contains("NoSuchUnit", StringComparison.Ordinal) || e.Message.Contains("not loaded", StringComparison.Ordinal)) { return; }
        AwaitJob(job);
    }

    private static string ReadObjectPath(Message m) => m.GetBodyReader().ReadObjectPathAsString();

    private string AwaitJob(string job)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        lock (_gate)
        {
            while (!_finished.ContainsKey(job))
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) throw new RuntimeError($"linux.cgroupsPath: systemd job {job} did not finish in {JobTimeout.TotalSeconds:0} s");
                Monitor.Wait(_gate, left);
            }
            return _finished[job];
        }
    }

    private void Send(string member, string signature, BodyWriter body) => Call(member, signature, body, _ => 0);

    private T Call<T>(string member, string signature, BodyWriter body, Func<Message, T> read)
    {
        MessageBuffer msg;
        var w = _conn.GetMessageWriter();
        try
        {
            w.WriteMethodCallHeader(destination: Service, path: ManagerPath, @interface: Manager, member: member,
                signature: signature.Length == 0 ? null : signature);
            body(ref w);
            msg = w.CreateMessage();
        }
        finally { w.Dispose(); }
        try
        {
            return _conn.CallMethodAsync(msg, static (Message m, object? s) => ((Func<Message, T>)s!)(m), read)
                .WaitAsync(JobTimeout).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not RuntimeError)
        {
            throw new RuntimeError($"linux.cgroupsPath: systemd refused {member}: {e.Message}");
        }
    }

    private static void WriteProperties(ref MessageWriter w, IReadOnlyList<SystemdProperty> props)
    {
        var arr = w.WriteArrayStart(DBusType.Struct);
        foreach (var p in props)
        {
            w.WriteStructureStart();
            w.WriteString(p.Name);
            w.WriteSignature(p.Value.Signature);
            switch (p.Value)
            {
                case SystemdValue.Bool b: w.WriteBool(b.Value); break;
                case SystemdValue.Str s: w.WriteString(s.Value); break;
                case SystemdValue.UInt64 u: w.WriteUInt64(u.Value); break;
                case SystemdValue.UInt32Array a: w.WriteArray(a.Value); break;
                case SystemdValue.Bytes b: w.WriteArray(b.Value); break;
                case SystemdValue.StringPairs pairs:
                    var inner = w.WriteArrayStart(DBusType.Struct);
                    foreach (var (a, b) in pairs.Value) { w.WriteStructureStart(); w.WriteString(a); w.WriteString(b); }
                    w.WriteArrayEnd(inner);
                    break;
            }
        }
        w.WriteArrayEnd(arr);
    }

    public void Dispose() => _conn.Dispose();
}
