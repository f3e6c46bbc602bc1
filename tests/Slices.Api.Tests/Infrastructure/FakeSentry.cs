using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>Sentry's ingestion endpoint on loopback: it takes the SDK's real envelopes (gzip or not) and keeps their items.</summary>
public sealed class FakeSentry : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _envelopes = new();

    private FakeSentry(WebApplication app) => _app = app;

    public string Dsn { get; private set; } = "";

    /// <summary>Every envelope as received, decompressed: what left the process.</summary>
    public IReadOnlyList<string> Envelopes => [.. _envelopes];

    public static async Task<FakeSentry> StartAsync()
    {
        var app = LoopbackServer.Create();
        var fake = new FakeSentry(app);
        app.MapPost("/api/{project}/envelope/", (Func<HttpContext, Task<IResult>>)(async http =>
        {
            Stream body = http.Request.Body;
            if (http.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)) body = new GZipStream(body, CompressionMode.Decompress);
            using var reader = new StreamReader(body);
            fake._envelopes.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
        }));
        await app.StartAsync();
        var address = new Uri(app.Urls.First());
        fake.Dsn = $"http://0123456789abcdef0123456789abcdef@{address.Host}:{address.Port}/42";
        return fake;
    }

    /// <summary>The events (errors and messages) received, as parsed JSON payloads.</summary>
    public IReadOnlyList<JsonElement> Events()
    {
        var events = new List<JsonElement>();
        foreach (var envelope in _envelopes)
        {
            var lines = envelope.Split('\n');
            for (var i = 1; i + 1 < lines.Length; i += 2)
            {
                var header = JsonSerializer.Deserialize<JsonElement>(lines[i]);
                if (header.TryGetProperty("type", out var type) && type.GetString() == "event") events.Add(JsonSerializer.Deserialize<JsonElement>(lines[i + 1]));
            }
        }
        return events;
    }

    public static string? Tag(JsonElement e, string name) =>
        e.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty(name, out var value) ? value.GetString() : null;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
