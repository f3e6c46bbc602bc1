using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>
/// A webhook receiver on loopback. It checks every request's Standard Webhooks signature with its own code (not the
/// product's), answers 2xx, or fails on demand: a share of requests at random (500, 429 with Retry-After, a timeout,
/// a dropped connection), or a fixed status.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _requests = new();

    public sealed record Received(string MessageId, long Timestamp, string[] Signatures, string Body, bool Answered2xx, string Failure, DateTimeOffset At);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>The share of requests failed at random (0 to 1), spread over the four kinds of failure.</summary>
    public double FailRate { get; set; }

    /// <summary>When set, every request gets this status (after the signature is recorded).</summary>
    public int? Status { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long every request waits for its answer; a sender that goes away meanwhile has delivered nothing.</summary>
    public TimeSpan Hold { get; set; }

    public int Waiting => Volatile.Read(ref _waiting);

    private int _waiting;

    public IReadOnlyList<Received> Requests => [.. _requests];

    public IReadOnlyList<Received> Delivered => [.. _requests.Where(r => r.Answered2xx)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var app = LoopbackServer.Create();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = $"{app.Urls.First()}/hooks";
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var id = http.Request.Headers["webhook-id"].ToString();
        long.TryParse(http.Request.Headers["webhook-timestamp"].ToString(), out var timestamp);
        var signatures = http.Request.Headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var at = DateTimeOffset.UtcNow;
        var failure = Status is { } fixedStatus ? $"status {fixedStatus}" : Random.Shared.NextDouble() < FailRate ? new[] { "500", "429", "timeout", "drop" }[Random.Shared.Next(4)] : "";
        if (failure == "" && Hold > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _waiting);
            await Task.Delay(Hold, CancellationToken.None);
            Interlocked.Decrement(ref _waiting);
            if (http.RequestAborted.IsCancellationRequested) failure = "sender gone";
        }
        _requests.Enqueue(new Received(id, timestamp, signatures, body, failure == "", failure, at));
        switch (failure)
        {
            case "":
                http.Response.StatusCode = 204;
                return;
            case "500":
                http.Response.StatusCode = 500;
                return;
            case "429":
                http.Response.StatusCode = 429;
                http.Response.Headers.RetryAfter = "1";
                return;
            case "timeout":
                await Task.Delay(Timeout, CancellationToken.None);
                http.Response.StatusCode = 204; // too late: the sender has given up
                return;
            case "drop" or "sender gone":
                http.Abort();
                return;
            default:
                http.Response.StatusCode = Status!.Value;
                if (Status is >= 300 and < 400) http.Response.Headers.Location = Url + "/elsewhere";
                return;
        }
    }

    /// <summary>Standard Webhooks verification, written from the specification: HMAC-SHA256 over "id.timestamp.body" with the base64 key after whsec_.</summary>
    public static bool IsSignedBy(Received request, string secret)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.MessageId}.{request.Timestamp}.{request.Body}")));
        return request.Signatures.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    /// <summary>The same check by a third-party implementation of the standard (the StandardWebhooks package).</summary>
    public static bool LibraryVerifies(Received request, string secret)
    {
        var headers = new HeaderDictionary
        {
            ["webhook-id"] = request.MessageId,
            ["webhook-timestamp"] = request.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhook-signature"] = string.Join(' ', request.Signatures),
        };
        try
        {
            new StandardWebhooks.StandardWebhook(secret).Verify(request.Body, headers);
            return true;
        }
        catch (StandardWebhooks.Diagnostics.WebhookVerificationException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
