using System.Collections.Concurrent;
using System.Diagnostics;

namespace Slices.Load;

/// <summary>What one client saw: responses by status and their latencies. Safe to record from many tasks at once.</summary>
public sealed class Tally(string client)
{
    private readonly ConcurrentDictionary<int, long> _statuses = new();
    private readonly ConcurrentBag<double> _latenciesMs = [];

    public string Client { get; } = client;

    public async Task<HttpResponseMessage?> TimeAsync(Func<Task<HttpResponseMessage>> send)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await send();
            await response.Content.LoadIntoBufferAsync();
            Record((int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Record(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return null;
        }
    }

    private void Record(int status, double ms)
    {
        _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        _latenciesMs.Add(ms);
    }

    public long Total => _statuses.Values.Sum();
    public long Count(Func<int, bool> which) => _statuses.Where(s => which(s.Key)).Sum(s => s.Value);
    public long Succeeded => Count(s => s is >= 200 and < 300);
    public long Limited => Count(s => s == 429);
    public long Failed => Total - Succeeded - Limited;

    public double Percentile(double p)
    {
        var sorted = _latenciesMs.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }
}
