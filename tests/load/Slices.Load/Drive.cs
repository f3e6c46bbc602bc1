using System.Diagnostics;

namespace Slices.Load;

/// <summary>
/// What one run measured: requests, failures, throughput, latency percentiles, the server's and the database's CPU per
/// request, and the server's allocation per request.
/// </summary>
public sealed record RunResult(long Requests, long Errors, double PerSecond, double P50Ms, double P95Ms, double P99Ms, double? CpuMicrosPerRequest, double? DbCpuMicrosPerRequest,
    long CacheHits, double? AllocatedBytesPerRequest = null)
{
    /// <summary>The share of answers the API served from its cache (its Cache-Status header says hit).</summary>
    public double HitRate => Requests == 0 ? 0 : (double)CacheHits / Requests;
}

/// <summary>
/// What a run charges to its requests: the server's CPU, optionally the database's (the postmaster with its backends),
/// and optionally the bytes the server allocated.
/// </summary>
public sealed record Meter(int? ServerPid, int? DatabasePid = null, AllocatedBytes? Allocated = null)
{
    public static readonly Meter None = new(ServerPid: null);

    public async Task<Reading> ReadAsync() =>
        new(ProcessCpu.Used(ServerPid), ProcessCpu.UsedWithChildren(DatabasePid), Allocated is null ? null : await Allocated.ReadAsync());
}

public sealed record Reading(TimeSpan? Server, TimeSpan? Database, double? AllocatedBytes);

/// <summary>Two ways to load a target: as fast as N connections allow (throughput), or at a fixed arrival rate (latency).</summary>
public static class Drive
{
    /// <summary>N connections, each sending its next request as soon as the last answered, for the duration.</summary>
    public static async Task<RunResult> ClosedLoopAsync(HttpClient client, Func<long, HttpRequestMessage> request, int connections, TimeSpan duration, Meter meter)
    {
        var latencies = new List<double>[connections];
        var counts = new Counts();
        long sequence = 0;
        var before = await meter.ReadAsync();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await SendAsync(client, request(Interlocked.Increment(ref sequence)), counts);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        return Summarise(latencies.SelectMany(l => l).ToArray(), counts, clock.Elapsed, before, await meter.ReadAsync());
    }

    /// <summary>
    /// Two kinds of request from the same N connections, taking turns in short slices of time, for twice the duration:
    /// each kind's throughput is over its half of the time, so a spell in which the host runs slower or faster weighs on
    /// both alike. Two runs minutes apart differed by up to a fifth on this host, more than the differences measured.
    /// No meter: the two share the server's CPU.
    /// </summary>
    public static async Task<(RunResult First, RunResult Second)> InTurnsAsync(HttpClient client, Func<long, HttpRequestMessage> first,
        Func<long, HttpRequestMessage> second, int connections, TimeSpan duration, TimeSpan slice)
    {
        var latencies = new[] { new List<double>[connections], new List<double>[connections] };
        var counts = new[] { new Counts(), new Counts() };
        long sequence = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async worker =>
        {
            var (mine, elapsed) = (new[] { latencies[0][worker] = new List<double>(4096), latencies[1][worker] = new List<double>(4096) }, clock.Elapsed);
            for (; elapsed < 2 * duration; elapsed = clock.Elapsed)
            {
                var turn = (int)(elapsed / slice) % 2;
                var started = Stopwatch.GetTimestamp();
                var n = Interlocked.Increment(ref sequence);
                await SendAsync(client, turn == 0 ? first(n) : second(n), counts[turn]);
                mine[turn].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        var half = clock.Elapsed / 2;
        var none = new Reading(null, null, null);
        return (Summarise(latencies[0].SelectMany(l => l).ToArray(), counts[0], half, none, none),
            Summarise(latencies[1].SelectMany(l => l).ToArray(), counts[1], half, none, none));
    }

    /// <summary>
    /// Requests at a fixed rate whatever the answers do; each latency counts from when the request was due, so a
    /// stalled server is not hidden by requests that were never sent (no coordinated omission).
    /// </summary>
    public static async Task<RunResult> OpenLoopAsync(HttpClient client, Func<long, HttpRequestMessage> request, double perSecond, TimeSpan duration, Meter meter)
    {
        var total = (long)(perSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var counts = new Counts();
        var before = await meter.ReadAsync();
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>((int)Math.Min(total, 1_000_000));
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                await SendAsync(client, request(index), counts);
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
            }));
        }
        await Task.WhenAll(inFlight);
        return Summarise(latencies, counts, clock.Elapsed, before, await meter.ReadAsync());
    }

    private sealed class Counts
    {
        public long Errors;
        public long CacheHits;
    }

    private static async Task SendAsync(HttpClient client, HttpRequestMessage message, Counts counts)
    {
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref counts.Errors);
            else if (response.Headers.TryGetValues("Cache-Status", out var status) && status.Any(s => s.Contains("; hit", StringComparison.Ordinal)))
                Interlocked.Increment(ref counts.CacheHits);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Interlocked.Increment(ref counts.Errors);
        }
    }

    private static RunResult Summarise(double[] latencies, Counts counts, TimeSpan elapsed, Reading before, Reading after)
    {
        Array.Sort(latencies);
        double At(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
        double? PerRequest(double? used) => used is { } total && latencies.Length > 0 ? total / latencies.Length : null;
        return new RunResult(latencies.Length, counts.Errors, latencies.Length / elapsed.TotalSeconds, At(50), At(95), At(99),
            PerRequest((after.Server - before.Server)?.TotalMicroseconds), PerRequest((after.Database - before.Database)?.TotalMicroseconds), counts.CacheHits,
            // A server that answered requests allocated something: a count that did not grow is no reading. Under Server
            // GC's dynamic adaptation (DATAS) the runtime's total can fall when a heap is retired, and the API's exported
            // counter then stood still for the rest of a long run.
            PerRequest(after.AllocatedBytes - before.AllocatedBytes is > 0 and var allocated ? allocated : null));
    }
}
