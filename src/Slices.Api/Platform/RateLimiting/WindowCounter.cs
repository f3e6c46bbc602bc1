using System.Collections.Concurrent;
using System.Diagnostics;
using Slices.Api.Platform.Redis;
using StackExchange.Redis;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>How many requests a partition has made in the current window, and when the window ends.</summary>
public readonly record struct WindowCount(long Count, TimeSpan ResetIn);

/// <summary>A count sent to Redis and not yet read: a request may send it early and read it later (see <see cref="EarlyCalls"/>).</summary>
public readonly record struct SentCount(Task<RedisResult> Call, TimeSpan ResetIn, long StartedAt)
{
    public async Task<WindowCount> CountAsync() => new((long)await RedisMetrics.TimeAsync("rate_limit", Call, StartedAt), ResetIn);
}

/// <summary>
/// Fixed-window counters in Redis: one Lua call per check increments and reads atomically (one round trip), so every
/// instance sharing the Redis counts the same requests. When Redis is away, an in-process counter stands in.
/// </summary>
public sealed class WindowCounter(IConnectionMultiplexer redis, TimeProvider clock)
{
    private static readonly LuaScript Increment = LuaScript.Prepare("""
        local count = redis.call('INCR', @key)
        if count == 1 then redis.call('PEXPIRE', @key, @windowMs) end
        return count
        """);

    private readonly ConcurrentDictionary<string, long> _local = new();
    private long _localWindow;

    /// <summary>Counts one request in Redis. Throws <see cref="RedisException"/> when Redis cannot answer, a TimeoutException when it answers too late.</summary>
    public Task<WindowCount> CountAsync(string policy, string partition, TimeSpan window) => Send(policy, partition, window).CountAsync();

    /// <summary>Sends the count of one request to Redis; <see cref="SentCount.CountAsync"/> reads the answer, whenever it is needed.</summary>
    public SentCount Send(string policy, string partition, TimeSpan window)
    {
        var (index, resetIn) = Window(window);
        var key = $"slices:rl:{policy}:{partition}:{index}";
        var started = Stopwatch.GetTimestamp();
        return new SentCount(redis.GetDatabase().ScriptEvaluateAsync(Increment, new { key = (RedisKey)key, windowMs = (long)window.TotalMilliseconds + 1000 }), resetIn, started);
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
