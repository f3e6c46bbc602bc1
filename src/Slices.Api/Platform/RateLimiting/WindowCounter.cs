using System.Collections.Concurrent;
using System.Diagnostics;
using Slices.Api.Platform.Redis;
using StackExchange.Redis;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>How many requests a partition has made in the current window, and when the window ends.</summary>
public readonly record struct WindowCount(long Count, TimeSpan ResetIn);

/// <summary>A count sent to Redis and not yet read: a request may send it early and read it later (see <see cref="EarlyCalls"/>).</summary>
public readonly record struct SentCount(Task<long> Call, TimeSpan ResetIn, long StartedAt)
{
    public async Task<WindowCount> CountAsync() => new(await RedisMetrics.TimeAsync("rate_limit", Call, StartedAt), ResetIn);
}

/// <summary>
/// Fixed-window counters in Redis, so every instance sharing the Redis counts the same requests: one INCR per check,
/// followed in the same write by an EXPIREAT to the window's end (the same instant for every request of the window, so
/// repeating it changes nothing, and a key never outlives its window by more than a second). Only the INCR's answer is
/// awaited. This replaced a Lua script doing the same: EVALSHA took Redis 1.3 µs per call against 0.4 for the pair,
/// and the script's parameters cost the client an allocation and an async step of their own per request. When Redis is
/// away, an in-process counter stands in.
/// </summary>
public sealed class WindowCounter(IConnectionMultiplexer redis, TimeProvider clock)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1); // for clocks of instances that differ a little

    private readonly ConcurrentDictionary<string, long> _local = new();
    private long _localWindow;

    /// <summary>Counts one request in Redis. Throws <see cref="RedisException"/> when Redis cannot answer, a TimeoutException when it answers too late.</summary>
    public Task<WindowCount> CountAsync(string policy, string partition, TimeSpan window) => Send(policy, partition, window).CountAsync();

    /// <summary>Sends the count of one request to Redis; <see cref="SentCount.CountAsync"/> reads the answer, whenever it is needed.</summary>
    public SentCount Send(string policy, string partition, TimeSpan window)
    {
        var (index, resetIn) = Window(window);
        RedisKey key = $"slices:rl:{policy}:{partition}:{index}";
        var started = Stopwatch.GetTimestamp();
        var database = redis.GetDatabase();
        var count = database.StringIncrementAsync(key);
        var windowEnds = DateTime.UnixEpoch.AddMilliseconds((index + 1) * (long)window.TotalMilliseconds);
        database.KeyExpireAsync(key, windowEnds + Slack, CommandFlags.FireAndForget);
        return new SentCount(count, resetIn, started);
    }

    /// <summary>Counts one request in this process only.</summary>
    public WindowCount CountLocally(string policy, string partition, TimeSpan window)
    {
        var (index, resetIn) = Window(window);
        // Forget old windows now and then, so the dictionary does not grow without bound.
        if (Interlocked.Exchange(ref _localWindow, index) != index && _local.Count > 10_000) _local.Clear();
        return new WindowCount(_local.AddOrUpdate($"{policy}:{partition}:{index}", 1, (_, n) => n + 1), resetIn);
    }

    private (long Index, TimeSpan ResetIn) Window(TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var size = (long)window.TotalMilliseconds;
        return (now / size, TimeSpan.FromMilliseconds(size - now % size));
    }
}
