using System.Diagnostics.Metrics;
using StackExchange.Redis;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>A check whose count is on its way to Redis (none when Redis was not connected).</summary>
public sealed record SentCheck(RateLimitPolicy Policy, string Partition, int Limit, SentCount? Count);

/// <summary>One check against one policy: allowed or not, what is left, when the window resets, and whether Redis was away.</summary>
public sealed record Decision(RateLimitPolicy Policy, bool Allowed, long Remaining, TimeSpan ResetIn, bool Unavailable = false);

/// <summary>
/// Decides one request against one policy. With Redis away, on purpose: ordinary policies keep serving on a
/// per-instance counter (the limit divided by the instance count); fail-closed policies (credentials) refuse with 503,
/// since an unlimited guessing window is worse than a short outage of sign-in. Both recover as soon as Redis answers.
/// </summary>
public sealed class RateLimitGate(WindowCounter counter, IConnectionMultiplexer redis, RateLimitOptions options, ILogger<RateLimitGate> logger)
{
    public static readonly Meter Meter = new("Slices.RateLimiting");
    private static readonly Counter<long> Rejections = Meter.CreateCounter<long>("slices.rate_limit.rejections", description: "Requests refused by a rate limit");
    private static readonly Counter<long> LocalFallbacks = Meter.CreateCounter<long>("slices.rate_limit.local_fallbacks", description: "Checks made without Redis");
    private long _lastWarning;

    public Task<Decision> CheckAsync(RateLimitPolicy policy, string partition, int? limitOverride = null) =>
        DecideAsync(Send(policy, partition, limitOverride));

    /// <summary>Sends the check's count to Redis now; <see cref="DecideAsync"/> reads it when the decision is needed.</summary>
    public SentCheck Send(RateLimitPolicy policy, string partition, int? limitOverride = null)
    {
        SentCount? sent = null;
        try
        {
            if (redis.IsConnected) sent = counter.Send(policy.Name, partition, policy.Window, LeaseSize(policy, limitOverride ?? policy.Limit));
        }
        catch (RedisException)
        {
            // decided without Redis
        }
        return new SentCheck(policy, partition, limitOverride ?? policy.Limit, sent);
    }

    /// <summary>
    /// How many permits an instance takes from Redis at once: RateLimiting:LeasePercent of the limit, at most 64, so a
    /// busy client costs a round trip per lease, not per request. Fail-closed policies count every request in Redis.
    /// </summary>
    private int LeaseSize(RateLimitPolicy policy, int limit) =>
        policy.FailClosed ? 1 : (int)Math.Clamp((long)limit * options.LeasePercent / 100, 1, MaxLease);

    private const int MaxLease = 64;

    public async Task<Decision> DecideAsync(SentCheck check)
    {
        var (policy, partition, limit, sent) = check;
        if (sent is { } counting)
        {
            try
            {
                return Decide(policy, limit, await counting.CountAsync());
            }
            catch (Exception e) when (e is RedisException or TimeoutException) // a stalled Redis times out: RedisTimeoutException is a TimeoutException
            {
                WarnDegraded(e.GetType().Name);
            }
        }
        else
        {
            WarnDegraded("not connected");
        }

        LocalFallbacks.Add(1, new KeyValuePair<string, object?>("policy", policy.Name));
        if (policy.FailClosed) return Reject(new Decision(policy, false, 0, TimeSpan.FromSeconds(5), Unavailable: true));
        return Decide(policy, Math.Max(1, limit / options.InstanceCount), counter.CountLocally(policy.Name, partition, policy.Window));
    }

    private static Decision Decide(RateLimitPolicy policy, int limit, WindowCount count)
    {
        var applied = limit == policy.Limit ? policy : policy with { Limit = limit };
        return count.Count <= limit
            ? new Decision(applied, true, limit - count.Count, count.ResetIn)
            : Reject(new Decision(applied, false, 0, count.ResetIn));
    }

    private static Decision Reject(Decision decision)
    {
        Rejections.Add(1, new KeyValuePair<string, object?>("policy", decision.Policy.Name), new KeyValuePair<string, object?>("unavailable", decision.Unavailable));
        return decision;
    }

    private void WarnDegraded(string reason)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarning);
        if (now - last < 30_000 || Interlocked.CompareExchange(ref _lastWarning, now, last) != last) return;
        logger.LogWarning("Rate limiting without Redis ({Reason}): per-instance limits for general endpoints, credential endpoints refuse with 503 until Redis is back", reason);
    }
}
