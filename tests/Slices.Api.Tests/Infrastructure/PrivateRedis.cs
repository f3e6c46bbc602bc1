using System.Diagnostics;
using System.Net.Sockets;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>
/// A redis-server of the test's own, on a fixed loopback port, that the test can stop and start again:
/// an outage and a recovery as production sees them, without touching the Redis other tests share.
/// </summary>
public sealed class PrivateRedis : IAsyncDisposable
{
    private Process? _server;

    private PrivateRedis(int port) => Port = port;

    public int Port { get; }
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<PrivateRedis> StartAsync()
    {
        var redis = new PrivateRedis(TestStack.DeadPort());
        await redis.StartAgainAsync();
        return redis;
    }

    public async Task StartAgainAsync()
    {
        _server = Process.Start(new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("redis-server did not start");
        _server.OutputDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await AcceptsAsync()) return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"redis-server did not listen on {Port}");
    }

    /// <summary>Kills the server at once, as a crash or a network cut would.</summary>
    public async Task StopAsync()
    {
        if (_server is null) return;
        _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
        _server = null;
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
