using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Cri.Tests.Support;

/// <summary>
/// A client of the kubelet streaming protocol that containerd's streaming server speaks for Exec: a WebSocket with
/// subprotocol v4.channel.k8s.io, each binary message led by its channel byte (0 stdin, 1 stdout, 2 stderr, 3 the
/// final status as a JSON Status whose ExitCode cause carries a non-zero exit code).
/// </summary>
public static class ExecStream
{
    public static async Task<ExecResult> RunAsync(string url, string? stdin, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("v4.channel.k8s.io");
        await ws.ConnectAsync(new Uri("ws" + url["http".Length..]), cts.Token);
        if (stdin is not null)
            await ws.SendAsync((byte[])[0, .. Encoding.UTF8.GetBytes(stdin)], WebSocketMessageType.Binary, true, cts.Token);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        string? status = null;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await ws.ReceiveAsync(buffer, cts.Token);
                message.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
            if (r.MessageType == WebSocketMessageType.Close) break;
            var bytes = message.ToArray();
            if (bytes.Length == 0) continue;
            string text = Encoding.UTF8.GetString(bytes, 1, bytes.Length - 1);
            switch (bytes[0])
            {
                case 1: stdout.Append(text); break;
                case 2: stderr.Append(text); break;
                case 3: status += text; break;
            }
        }
        return new ExecResult(ExitCode(status), stdout.ToString(), stderr.ToString());
    }

    /// <summary>0 for a Success status; the ExitCode cause of a NonZeroExitCode failure; -1 when there was none.</summary>
    private static int ExitCode(string? status)
    {
        if (string.IsNullOrEmpty(status)) return -1;
        var root = JsonDocument.Parse(status).RootElement;
        if (root.GetProperty("status").GetString() == "Success") return 0;
        if (root.TryGetProperty("details", out var details) && details.TryGetProperty("causes", out var causes))
            foreach (var c in causes.EnumerateArray())
                if (c.GetProperty("reason").GetString() == "ExitCode") return int.Parse(c.GetProperty("message").GetString()!);
        throw new InvalidOperationException($"exec failed: {status}");
    }
}
