using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>
/// An SMTP relay on loopback (RFC 5321: EHLO, MAIL, RCPT, DATA, QUIT, no TLS). A message counts as delivered only when
/// the relay has answered 250 to its final dot, as with a real relay. While held, the relay reads a message's data and
/// keeps the sender waiting for that answer: a sender killed then has delivered nothing. The load runner's emails
/// scenario uses it too (linked into tests/load/Slices.Load), on the port the API was given.
/// </summary>
public sealed class FakeSmtp : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<MimeMessage> _delivered = new();
    private readonly ConcurrentQueue<(string Recipient, DateTimeOffset At)> _envelopeRecipients = new();
    private TaskCompletionSource _release = Released();
    private int _waiting;

    private FakeSmtp(int port) => _listener = new TcpListener(IPAddress.Loopback, port);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public IReadOnlyList<MimeMessage> Delivered => [.. _delivered];
    public IReadOnlyList<string> Recipients => [.. _envelopeRecipients.Select(r => r.Recipient)];

    /// <summary>Each envelope recipient, with when the relay accepted its message.</summary>
    public IReadOnlyList<(string Recipient, DateTimeOffset At)> Arrivals => [.. _envelopeRecipients];

    /// <summary>Messages whose data has arrived and that wait for the relay's answer.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static FakeSmtp Start(int port = 0)
    {
        var smtp = new FakeSmtp(port);
        smtp._listener.Start();
        _ = smtp.AcceptAsync();
        return smtp;
    }

    /// <summary>The app settings that send through this relay.</summary>
    public void Configure(IDictionary<string, string?> settings)
    {
        settings["Email:SmtpHost"] = "127.0.0.1";
        settings["Email:SmtpPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Email:Security"] = "none";
        settings["Email:From"] = "Slices <no-reply@slices.test>";
    }

    /// <summary>While set, the relay answers every message with a temporary failure (451), as a relay in trouble does.</summary>
    public bool Refusing { get; set; }

    public void Hold() => Interlocked.Exchange(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => _release.TrySetResult();

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake-smtp ready");
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-fake-smtp");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO" or "NOOP" or "RSET":
                        if (verb == "RSET") recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "MAIL":
                        await writer.WriteLineAsync(Refusing ? "451 4.3.0 Try again later" : "250 OK");
                        break;
                    case "RCPT":
                        recipients.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]);
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        Interlocked.Increment(ref _waiting);
                        try
                        {
                            await _release.Task.WaitAsync(_stop.Token);
                        }
                        finally
                        {
                            Interlocked.Decrement(ref _waiting);
                        }
                        if (client.Client.Poll(0, SelectMode.SelectRead) && client.Client.Available == 0) return; // the sender is gone
                        await writer.WriteLineAsync("250 OK queued");
                        _delivered.Enqueue(await MimeMessage.LoadAsync(new MemoryStream(Encoding.UTF8.GetBytes(data.ToString()))));
                        var accepted = DateTimeOffset.UtcNow;
                        foreach (var r in recipients) _envelopeRecipients.Enqueue((r, accepted));
                        recipients.Clear();
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The sender went away (or the relay stops): whatever it was sending was not delivered.
        }
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
