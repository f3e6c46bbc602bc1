using System.Collections.Concurrent;
using System.Diagnostics;
using Slices.Api.Platform.Redis;
using StackExchange.Redis;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>How many requests a partition has made in the current window, and when the window ends.</summary>
public readonly record struct WindowCount(long Count, TimeSpan ResetIn);

/// <summary>
/// A request's place in its window's count: Redis's answer for the lease it belongs to, plus its offset in that lease
/// (a lease of n permits answers the count after its last one). <see cref="StartedAt"/> is 0 when this request did not
/// send the call itself (it took a permit from a lease already asked for). A request may send its count early and read
/// it later (see <see cref="EarlyCalls"/>).
/// </summary>
public readonly record struct SentCount(Task<long> Call, long Offset, TimeSpan ResetIn, long StartedAt)
{
    public ValueTask<WindowCount> CountAsync() => Call.IsCompletedSuccessfully
        ? new(new WindowCount(Call.Result + Offset, ResetIn))
        : new(ReadAsync());

    private async Task<WindowCount> ReadAsync() =>
        new((StartedAt == 0 ? await Call : await RedisMetrics.TimeAsync("rate_limit", Call, StartedAt)) + Offset, ResetIn);
}

/// <summary>
/// Fixed-window counters in Redis, so every instance sharing the Redis counts the same requests: an INCRBY per check or
/// per lease, followed in the same write by an EXPIREAT to the window's end (the same instant for every request of the
/// window, so repeating it changes nothing, and a key never outlives its window by more than a second). Only the
/// INCRBY's answer is awaited. When Redis is away, an in-process counter stands in.
/// <para>
/// With a lease size above 1 an instance takes that many permits at once and counts them out itself: one round trip
/// per lease instead of per request, and each request still gets its exact place in the window's count. The next lease
/// is asked for when half of one is gone. Instances never admit more than the limit between them; a permit leased and
/// not used by the window's end is lost, so with n instances a client may be refused up to (n - 1) times two leases
/// before the limit.
/// </para>
/// </summary>
public sealed class WindowCounter(IConnectionMultiplexer redis, TimeProvider clock)
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1); // for clocks of instances that differ a little

    private readonly ConcurrentDictionary<string, long> _local = new();
    private long _localWindow;
    private readonly ConcurrentDictionary<(string Policy, string Partition), LeaseSlot> _leases = new();
    private int _forgetAbove = 10_000; // doubles with the partitions leasing in a window, so forgetting stays rare

    /// <summary>
    /// Sends the count of one request to Redis, or takes a permit from a lease; <see cref="SentCount.CountAsync"/> reads
    /// the answer, whenever it is needed, and throws <see cref="RedisException"/> when Redis cannot answer, a
    /// TimeoutException when it answers too late.
    /// </summary>
    public SentCount Send(string policy, string partition, TimeSpan window, int leaseSize)
    {
        var (index, resetIn) = Window(window);
        if (leaseSize <= 1) return new SentCount(Increment(policy, partition, window, index, 1), 0, resetIn, Stopwatch.GetTimestamp());

        var slot = _leases.GetOrAdd((policy, partition), static _ => new LeaseSlot());
        lock (slot)
        {
            var startedAt = 0L;
            if (!Open(slot.Current, index))
            {
                if (Open(slot.Next, index)) slot.Current = slot.Next;
                else
                {
                    startedAt = Stopwatch.GetTimestamp();
                    slot.Current = Ask(policy, partition, window, index, leaseSize);
                    if (_leases.Count > Volatile.Read(ref _forgetAbove)) ForgetPastLeases();
                }
                slot.Next = null;
            }
            var lease = slot.Current!;
            var taken = ++lease.Taken;
            // Half the lease gone: the next one is asked for now, so that under load requests take permits from a lease
            // already in hand instead of queueing on a round trip when this one runs out.
            if (taken == (lease.Size + 1) / 2 && slot.Next is null) slot.Next = Ask(policy, partition, window, index, leaseSize);
            return new SentCount(lease.Call, taken - lease.Size, resetIn, startedAt);
        }
    }

    private static bool Open(Lease? lease, long index) =>
        lease is not null && lease.Window == index && lease.Taken < lease.Size && !lease.Call.IsFaulted && !lease.Call.IsCanceled;

    private Lease Ask(string policy, string partition, TimeSpan window, long index, int size) =>
        new(Increment(policy, partition, window, index, size).Unwatched(), size, index, (long)window.TotalMilliseconds); // its permits may go unread

    /// <summary>Counts one request in this process only.</summary>
    public WindowCount CountLocally(string policy, string partition, TimeSpan window)
    {
        var (index, resetIn) = Window(window);
        // Forget old windows now and then, so the dictionary does not grow without bound.
        if (Interlocked.Exchange(ref _localWindow, index) != index && _local.Count > 10_000) _local.Clear();
        return new WindowCount(_local.AddOrUpdate($"{policy}:{partition}:{index}", 1, (_, n) => n + 1), resetIn);
    }

    private Task<long> Increment(string policy, string partition, TimeSpan window, long index, int by)
    {
        RedisKey key = $"slices:rl:{policy}:{partition}:{index}";
        var database = redis.GetDatabase();
        var count = database.StringIncrementAsync(key, by);
        var windowEnds = DateTime.UnixEpoch.AddMilliseconds((index + 1) * (long)window.TotalMilliseconds);
        database.KeyExpireAsync(key, windowEnds + Slack, CommandFlags.FireAndForget);
        return count;
    }

    private void ForgetPastLeases()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (key, slot) in _leases)
            if (slot.Current is { } lease && lease.Window < now / lease.WindowMilliseconds) _leases.TryRemove(new KeyValuePair<(string, string), LeaseSlot>(key, slot));
        Volatile.Write(ref _forgetAbove, Math.Max(10_000, 2 * _leases.Count));
    }

    private (long Index, TimeSpan ResetIn) Window(TimeSpan window)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var size = (long)window.TotalMilliseconds;
        return (now / size, TimeSpan.FromMilliseconds(size - now % size));
    }

    /// <summary>A partition's lease in use and the one asked for to follow it.</summary>
    private sealed class LeaseSlot
    {
        public Lease? Current;
        public Lease? Next;
    }

    /// <summary>Permits asked of Redis at once: Call answers the window's count after the last of them.</summary>
    private sealed record Lease(Task<long> Call, int Size, long Window, long WindowMilliseconds)
    {
        public int Taken;
    }
}
