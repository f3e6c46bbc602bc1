using Slices.Api.Platform.Events;
using StackExchange.Redis;

namespace Slices.Api.Platform.Caching;

/// <summary>
/// Invalidation driven by the event store: after a commit, each recorded event's stream (patient/{id}) and its kind
/// (patient) are invalidated before the request answers. Other instances hear of it on a Redis channel and drop their
/// memory copies (the generation check keeps them correct even before the message lands).
/// </summary>
public sealed class CacheInvalidation(TwoLevelCache cache, IConnectionMultiplexer redis, ILogger<CacheInvalidation> logger) : ICommitListener, IHostedService
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("slices:cache:invalidate");

    /// <summary>The tags an entry read from <paramref name="stream"/> carries: the stream and its kind.</summary>
    public static string[] TagsOf(string stream) => [stream, KindOf(stream)];

    /// <summary>The tags of the stream of one record of <paramref name="kind"/>.</summary>
    public static string[] TagsOf(string kind, Guid id) => [$"{kind}/{id}", kind];

    public static string KindOf(string stream) => stream.Split('/', 2)[0];

    public static string Message(Guid practiceId, IEnumerable<string> tags) => $"{practiceId:N} {string.Join(' ', tags)}";

    public async Task AfterCommitAsync(Guid practiceId, IReadOnlyList<RecordedEvent> events)
    {
        var tags = events.SelectMany(e => TagsOf(e.Stream)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var kind in events.Select(e => KindOf(e.Stream)).Distinct(StringComparer.Ordinal)) CacheMetrics.Invalidated(kind);
        await cache.InvalidateAsync(practiceId, tags);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!cache.Enabled) return;
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Drop(message));
        }
        catch (RedisException e)
        {
            // The multiplexer subscribes again when it reconnects; until then, generations keep reads correct.
            logger.LogWarning("Could not subscribe to cache invalidations yet ({Error})", e.GetType().Name);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Drop(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split(' ');
        if (parts.Length > 1 && Guid.TryParseExact(parts[0], "N", out var practiceId)) cache.DropLocal(practiceId, parts[1..]);
    }
}
