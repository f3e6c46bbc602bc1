using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Slices.Load;

/// <summary>
/// Webhook delivery throughput and dispatcher lag: a fast receiver on loopback (204 at once), one endpoint subscribed
/// to patient.created, then --events patients created through the API by --connections clients (flat out: the
/// dispatcher's throughput, deliveries per second while messages flowed), then --rate events per second for
/// --paced-seconds (the lag from each event, its timestamp, to its arrival, p50/p95/p99, when the dispatcher keeps up).
/// </summary>
public static class WebhooksScenario
{
    public static async Task<int> RunAsync(HttpClient http, RunOptions options)
    {
        var events = options.Int("events", 5000);
        var connections = options.Int("connections", 16);
        var arrivals = new ConcurrentDictionary<string, (DateTimeOffset At, DateTimeOffset EventAt)>();
        long requests = 0;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/hooks", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            Interlocked.Increment(ref requests);
            arrivals.TryAdd(context.Request.Headers["webhook-id"].ToString(), (DateTimeOffset.UtcNow, body.RootElement.GetProperty("timestamp").GetDateTimeOffset()));
            return Results.NoContent();
        });
        await receiver.StartAsync();

        var session = await ApiSession.SignUpAsync(http);
        await session.CreateAsync("/api/v1/webhooks", new { url = $"{receiver.Urls.First()}/hooks", events = new[] { "patient.created" } }, "subscribe the receiver");
        var flat = await RunAsync(session, arrivals, events, connections, 0);
        var rate = options.Int("rate", 100);
        var paced = await RunAsync(session, arrivals, rate * options.Int("paced-seconds", 20), connections, rate);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flat out:  {flat.Delivered} of {flat.Events} delivered; events produced at {flat.ProducedPerSecond:F0}/s; deliveries {flat.PerSecond:F0}/s while flowing; lag p50/p95/p99 {flat.P50}/{flat.P95}/{flat.P99} ms (mostly the backlog)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rate}/s:    {paced.Delivered} of {paced.Events} delivered; lag from event to arrival p50/p95/p99 {paced.P50}/{paced.P95}/{paced.P99} ms"));
        await Report.WriteJsonAsync(options.JsonPath, new { Scenario = "webhooks", Requests = Interlocked.Read(ref requests), FlatOut = flat, Paced = paced });
        return flat.Delivered == flat.Events && paced.Delivered == paced.Events ? 0 : 1;
    }

    private sealed record Run(int Events, int Delivered, double ProducedPerSecond, double PerSecond, double P50, double P95, double P99);

    private static async Task<Run> RunAsync(ApiSession session, ConcurrentDictionary<string, (DateTimeOffset At, DateTimeOffset EventAt)> arrivals, int events, int connections, int rate)
    {
        arrivals.Clear();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, events, new ParallelOptions { MaxDegreeOfParallelism = rate > 0 ? Math.Max(4, connections / 4) : connections }, async (i, ct) =>
        {
            var at = rate > 0 ? TimeSpan.FromSeconds((double)i / rate) : TimeSpan.Zero;
            if (clock.Elapsed < at) await Task.Delay(at - clock.Elapsed, ct);
            await session.CreateAsync("/api/v1/patients", new { givenName = "Load", familyName = $"Webhook{i}", dateOfBirth = "1990-01-01", sex = "female" }, "create a patient");
        });
        var produced = clock.Elapsed.TotalSeconds;
        while (arrivals.Count < events && clock.Elapsed < TimeSpan.FromMinutes(10)) await Task.Delay(50);

        var times = arrivals.Values.ToList();
        var flowing = times.Count > 1 ? (times.Max(a => a.At) - times.Min(a => a.At)).TotalSeconds : 0;
        var lags = times.Select(a => (a.At - a.EventAt).TotalMilliseconds).Order().ToArray();
        double P(double q) => lags.Length == 0 ? 0 : Math.Round(lags[Math.Min(lags.Length - 1, (int)(q * lags.Length))], 1);
        return new Run(events, times.Count, Math.Round(events / produced), flowing > 0 ? Math.Round(times.Count / flowing) : 0, P(0.5), P(0.95), P(0.99));
    }
}
