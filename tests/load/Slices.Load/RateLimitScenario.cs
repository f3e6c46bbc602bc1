using System.Diagnostics;

namespace Slices.Load;

/// <summary>
/// One noisy integration (an API key with its own limit) hammers the API from many connections while a few quiet
/// integrations call at a modest rate. Expected: the noisy key gets 429s once past its limit, and the quiet keys
/// are never limited: limits are per client, not global.
/// </summary>
public static class RateLimitScenario
{
    private const string Path = "/api/v1/patients?limit=1";

    public static async Task<int> RunAsync(HttpClient http, RunOptions options)
    {
        var connections = options.Int("noisy-connections", 16);
        var quietClients = options.Int("quiet-clients", 4);
        var quietRate = options.Int("quiet-rate", 2);
        var keyLimit = options.Int("key-limit", 100);

        var session = await ApiSession.SignUpAsync(http);
        var noisyKey = await session.CreateApiKeyAsync("noisy integration", ["patients:read"], keyLimit);
        var quietKeys = new List<string>();
        for (var i = 0; i < quietClients; i++) quietKeys.Add(await session.CreateApiKeyAsync($"quiet integration {i + 1}", ["patients:read"]));

        var noisy = new Tally("noisy");
        var quiet = quietKeys.Select((_, i) => new Tally($"quiet-{i + 1}")).ToList();
        string? noisyPolicy = null;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(options.Seconds));
        var clock = Stopwatch.StartNew();

        var noisyLoops = Enumerable.Range(0, connections).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var response = await noisy.TimeAsync(() => http.SendAsync(Get(noisyKey)));
                if (noisyPolicy is null && response?.Headers.TryGetValues("RateLimit-Policy", out var policy) == true) noisyPolicy = policy.First();
            }
        });
        var quietLoops = quietKeys.Select(async (key, i) =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / quietRate));
            while (!stop.IsCancellationRequested && await timer.WaitForNextTickAsync(CancellationToken.None))
                await quiet[i].TimeAsync(() => http.SendAsync(Get(key)));
        });
        await Task.WhenAll(noisyLoops.Concat(quietLoops));
        var seconds = clock.Elapsed.TotalSeconds;

        var all = new[] { noisy }.Concat(quiet).ToList();
        Console.WriteLine($"rate-limit: {connections} noisy connections against a key limited to {keyLimit} per window ({noisyPolicy ?? "no RateLimit-Policy seen"}),");
        Console.WriteLine($"            {quietClients} quiet keys at {quietRate} req/s each, for {seconds:F1} s against {options.BaseUrl}");
        Report.Print(all, seconds);
        var quietLimited = quiet.Sum(t => t.Limited);
        var failures = all.Sum(t => t.Failed);
        Console.WriteLine($"noisy client refused with 429: {noisy.Limited} of {noisy.Total}; admitted {noisy.Succeeded}");
        Console.WriteLine($"quiet clients limited: {quietLimited} of {quiet.Sum(t => t.Total)}; errors other than 429: {failures}");
        await Report.WriteJsonAsync(options.JsonPath, new
        {
            Scenario = "rate-limit",
            Seconds = Math.Round(seconds, 1),
            KeyLimit = keyLimit,
            NoisyPolicy = noisyPolicy,
            Clients = all.Select(t => Report.Figures(t, seconds)),
        });

        var held = noisy.Limited > 0 && quietLimited == 0 && failures == 0;
        Console.WriteLine(held ? "PASS: only the noisy client was limited" : "FAIL: expected 429s for the noisy client only, and no errors");
        return held ? 0 : 1;
    }

    private static HttpRequestMessage Get(string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Add("X-API-Key", apiKey);
        return request;
    }
}
