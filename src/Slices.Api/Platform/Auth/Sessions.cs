using System.Text.Json;
using Slices.Api.Platform.Database;
using StackExchange.Redis;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// Checks on every request that the token's session is still alive: Redis first (Cache:SessionsSeconds, 1 h), the database when Redis misses
/// or is down. Revocation deletes the cached entry, so logout, disabling a user or revoking a session holds at once on
/// every instance.
/// </summary>
public sealed class Sessions(Db db, IConnectionMultiplexer redis, AuthOptions options, Caching.CacheOptions cacheOptions, TimeProvider clock, ILogger<Sessions> logger)
{
    private static readonly TimeSpan TouchEvery = TimeSpan.FromMinutes(1);

    // When this process last started touching each session. Every request in flight on a session sees the same cached
    // LastSeenAt: at the minute mark each of them updated the same row, queued on its lock behind the others' commits
    // (100 to 200 ms for all of them at a few thousand requests a second). One touch per session per minute is enough.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> _touched = new();
    private int _forgetAbove = 10_000; // doubles with the sessions active in a minute, so forgetting stays rare

    public async Task<SessionRow?> CheckAsync(Guid practiceId, Guid sessionId, CancellationToken ct)
    {
        var session = await FromCacheAsync(practiceId, sessionId);
        if (session is null)
        {
            session = await db.InTenantAsync(practiceId, (c, tx) => SessionData.ActiveAsync(c, tx, sessionId, ct), ct);
            if (session is null) return null;
            await CacheAsync(practiceId, sessionId, session);
        }

        var now = clock.GetUtcNow();
        if (now >= session.ExpiresAt || now - session.LastSeenAt > TimeSpan.FromMinutes(options.SessionIdleMinutes)) return null;
        if (now - session.LastSeenAt > TouchEvery && ClaimTouch(sessionId, now))
        {
            try
            {
                await db.InTenantAsync(practiceId, async (c, tx) => { await SessionData.TouchAsync(c, tx, sessionId, now, ct); return 0; }, ct);
            }
            catch
            {
                _touched.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(sessionId, now)); // the next request tries again
                throw;
            }
            await CacheAsync(practiceId, sessionId, session with { LastSeenAt = now });
        }
        return session;
    }

    private bool ClaimTouch(Guid sessionId, DateTimeOffset now)
    {
        while (true)
        {
            if (_touched.TryGetValue(sessionId, out var last))
            {
                if (now - last <= TouchEvery) return false;
                if (_touched.TryUpdate(sessionId, now, last)) return true;
            }
            else if (_touched.TryAdd(sessionId, now))
            {
                if (_touched.Count > Volatile.Read(ref _forgetAbove)) ForgetTouchesBefore(now - TouchEvery);
                return true;
            }
        }
    }

    private void ForgetTouchesBefore(DateTimeOffset cutoff)
    {
        foreach (var (id, at) in _touched)
            if (at < cutoff) _touched.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(id, at));
        Volatile.Write(ref _forgetAbove, Math.Max(10_000, 2 * _touched.Count));
    }

    public async Task CacheAsync(Guid practiceId, Guid sessionId, SessionRow session)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key(practiceId, sessionId), JsonSerializer.Serialize(session), TimeSpan.FromSeconds(cacheOptions.SessionsSeconds));
        }
        catch (Exception e) when (e is RedisException or TimeoutException) // a stalled Redis times out: RedisTimeoutException is a TimeoutException
        {
            logger.LogWarning("Session cache unavailable ({Error}); sessions are checked in the database", e.GetType().Name);
        }
    }

    public async Task ForgetAsync(Guid practiceId, IEnumerable<Guid> sessionIds)
    {
        var keys = sessionIds.Select(id => Key(practiceId, id)).ToArray();
        if (keys.Length == 0) return;
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(keys);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogError("Could not drop {Count} revoked session(s) from the cache ({Error}); they expire within the hour", keys.Length, e.GetType().Name);
        }
    }

    /// <summary>Drops the cached copies of a user's live sessions, so a change of role holds on their next request.</summary>
    public async Task ForgetUserAsync(Guid practiceId, Guid userId, CancellationToken ct) =>
        await ForgetAsync(practiceId, await db.InTenantAsync(practiceId, (c, tx) => SessionData.ActiveIdsOfUserAsync(c, tx, userId, ct), ct));

    private async Task<SessionRow?> FromCacheAsync(Guid practiceId, Guid sessionId)
    {
        try
        {
            var value = await Redis.RedisMetrics.TimeAsync("session_read", redis.GetDatabase().StringGetAsync(Key(practiceId, sessionId)));
            return value.HasValue ? JsonSerializer.Deserialize<SessionRow>(((ReadOnlyMemory<byte>)value).Span) : null; // the UTF-8 as read, not a string of it
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private static RedisKey Key(Guid practiceId, Guid sessionId) => $"slices:session:{practiceId:N}:{sessionId:N}";
}
