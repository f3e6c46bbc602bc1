using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Redis;
using StackExchange.Redis;

namespace Slices.Api.Platform.Caching;

/// <summary>
/// Process memory in front of Redis in front of the database, per practice.
///
/// Every entry carries the generations of its tags (such as patient/{id} and patient) as they were before it was
/// loaded; a commit that records an event on a stream bumps its tags' generations in Redis before the request
/// answers. A lookup reads the current generations (one Redis round trip, with the value when memory has none) and
/// uses an entry only when they match, so no instance serves what a committed write replaced, even before the
/// pub/sub message that drops its memory copy arrives. Redis down or slower than Cache:RedisTimeoutMs: the database
/// answers, and the process forgets its memory copies (it may miss invalidations meanwhile); invalidations Redis
/// could not take are sent again when it is back. Concurrent misses of one key in a process share one load.
/// </summary>
public sealed class TwoLevelCache : IDisposable
{
    private const string Prefix = "slices:cache:";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly IConnectionMultiplexer redis;
    private readonly KeyRing keyRing;
    private readonly CacheOptions options;
    private readonly ILogger<TwoLevelCache> logger;
    private readonly MemoryCache _memory;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _tagTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<object?>>> _loads = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(Guid PracticeId, IReadOnlyCollection<string> Tags)> _unsent = new();

    private sealed record Stored(long[] G, string V);

    private sealed record Local(long[] Generations, object Value);

    private static readonly object EarlyLookupKey = new();

    // One call per commit however many tags it bumps: as separate commands (INCR and PEXPIRE per tag, then PUBLISH)
    // each was a task of its own to complete on the thread pool, and a command for Redis to parse.
    private const string Bump = """
        for _, key in ipairs(KEYS) do
            redis.call('INCR', key)
            redis.call('PEXPIRE', key, ARGV[1])
        end
        redis.call('PUBLISH', ARGV[2], ARGV[3])
        return #KEYS
        """;

    private sealed record EarlyLookup(Guid PracticeId, IReadOnlyList<string> Tags, RedisKey[] Keys, Task<RedisValue[]> Values)
    {
        public bool Of(Guid practiceId, IReadOnlyList<string> tags) => practiceId == PracticeId && Tags.SequenceEqual(tags, StringComparer.Ordinal);
    }

    public TwoLevelCache(IConnectionMultiplexer redis, KeyRing keyRing, CacheOptions options, ILogger<TwoLevelCache> logger)
    {
        (this.redis, this.keyRing, this.options, this.logger) = (redis, keyRing, options, logger);
        _memory = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.LocalMaxEntries });
        redis.ConnectionFailed += (_, _) => ForgetAllLocal();
        redis.ConnectionRestored += (_, _) =>
        {
            ForgetAllLocal();
            _ = ResendAsync();
        };
    }

    public bool Enabled => options.Enabled;

    /// <summary>
    /// Starts reading the generations of the tags this request's endpoint will look up (its <see cref="CacheLookup"/>,
    /// or a cached response's kinds), so that they travel to Redis with the caller's session read and a memory hit
    /// then waits on no round trip of its own. Reading them a moment earlier in the same request changes nothing a
    /// client can see: a write it was answered for had bumped them already.
    /// </summary>
    public void StartLookup(HttpContext http, Guid practiceId)
    {
        if (!options.Enabled || !HttpMethods.IsGet(http.Request.Method) || http.GetEndpoint()?.Metadata is not { } metadata) return;
        var tags = metadata.GetMetadata<CacheLookup>()?.TagsFor(http) ?? metadata.GetMetadata<CachedResponse>()?.Kinds;
        if (tags is null) return;
        RedisKey[] keys = [.. tags.Select(t => GenerationKey(practiceId, t))];
        try
        {
            http.Items[EarlyLookupKey] = new EarlyLookup(practiceId, tags, keys, redis.GetDatabase().StringGetAsync(keys).Unwatched());
        }
        catch (RedisException)
        {
            // the lookup reads for itself
        }
    }

    /// <summary>The entry for <paramref name="key"/> in the practice, or what <paramref name="load"/> reads (null is not cached).</summary>
    /// <param name="http">The request, whose lookup <see cref="StartLookup"/> may have started.</param>
    public async Task<(T? Value, CacheOutcome Outcome)> GetOrLoadAsync<T>(CacheArea area, Guid practiceId, string key, IReadOnlyList<string> tags,
        Func<CancellationToken, Task<T?>> load, CancellationToken ct, HttpContext? http = null) where T : class
    {
        if (!options.Enabled) return (await load(ct), CacheOutcome.Bypass);
        var valueKey = ValueKey(area, practiceId, key);
        var local = _memory.Get<Local>(valueKey);
        var early = Sent(http, practiceId, tags);
        var generationKeys = early?.Keys ?? [.. tags.Select(t => GenerationKey(practiceId, t))];
        RedisKey[] keys = local is null ? [(RedisKey)valueKey, .. generationKeys] : generationKeys;

        var got = await ReadAsync(keys, local is null ? null : early?.Values, ct);
        if (got is null)
        {
            ForgetAllLocal();
            CacheMetrics.Looked(area, CacheOutcome.Bypass);
            return (await load(ct), CacheOutcome.Bypass);
        }

        var generations = got.Skip(local is null ? 1 : 0).Select(v => v.TryParse(out long g) ? g : 0).ToArray();
        if (local is not null && local.Generations.AsSpan().SequenceEqual(generations))
            return Hit((T)local.Value, CacheOutcome.Memory);
        if (local is null && got[0].HasValue && Read<T>(area, practiceId, valueKey, got[0]!, generations) is { } shared)
        {
            Remember(area, practiceId, valueKey, tags, generations, shared);
            return Hit(shared, CacheOutcome.Redis);
        }

        CacheMetrics.Looked(area, CacheOutcome.Miss);
        var loaded = await LoadOnceAsync(valueKey, load, ct);
        if (loaded is not null)
        {
            Remember(area, practiceId, valueKey, tags, generations, loaded);
            await StoreAsync(area, practiceId, valueKey, generations, loaded);
        }
        return (loaded, CacheOutcome.Miss);

        (T?, CacheOutcome) Hit(T value, CacheOutcome outcome)
        {
            CacheMetrics.Looked(area, outcome);
            return (value, outcome);
        }
    }

    /// <summary>The read <see cref="StartLookup"/> sent, when it is of exactly these tags (taken once).</summary>
    private static EarlyLookup? Sent(HttpContext? http, Guid practiceId, IReadOnlyList<string> tags) =>
        http is not null && http.Items.Remove(EarlyLookupKey, out var sent) && sent is EarlyLookup early && early.Of(practiceId, tags) ? early : null;

    /// <summary>The keys' values (from the read already sent, if any), or null when Redis is down or slower than Cache:RedisTimeoutMs.</summary>
    private async Task<RedisValue[]?> ReadAsync(RedisKey[] keys, Task<RedisValue[]>? sent, CancellationToken ct)
    {
        try
        {
            return await (sent ?? redis.GetDatabase().StringGetAsync(keys)).WaitAsync(TimeSpan.FromMilliseconds(options.RedisTimeoutMs), ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Bumps the tags' generations in Redis (so every instance stops using entries loaded before) and tells the other
    /// instances to drop their memory copies. Returns false when Redis could not be told.
    /// </summary>
    public async Task<bool> InvalidateAsync(Guid practiceId, IReadOnlyCollection<string> tags)
    {
        DropLocal(practiceId, tags);
        if (!options.Enabled || tags.Count == 0) return true;
        try
        {
            var keep = TimeSpan.FromSeconds(2 * new[] { options.PatientsSeconds, options.CalendarSeconds, options.ResponsesSeconds }.Max());
            RedisKey[] keys = [.. tags.Select(t => GenerationKey(practiceId, t))];
            await redis.GetDatabase().ScriptEvaluateAsync(Bump, keys, [(long)keep.TotalMilliseconds, CacheInvalidation.Channel.ToString(), CacheInvalidation.Message(practiceId, tags)])
                .WaitAsync(TimeSpan.FromMilliseconds(options.RedisTimeoutMs));
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (_unsent.Count < 100_000) _unsent.Enqueue((practiceId, tags)); // past that, entries expire within their TTL
            logger.LogWarning("Could not invalidate {Count} cache tag(s) in Redis ({Error}); sent again when it is back", tags.Count, e.GetType().Name);
            return false;
        }
    }

    private async Task ResendAsync()
    {
        var count = _unsent.Count;
        for (var i = 0; i < count && _unsent.TryDequeue(out var unsent); i++) await InvalidateAsync(unsent.PracticeId, unsent.Tags);
    }

    /// <summary>Whether this process holds a usable memory copy of the entry (for tests of invalidation).</summary>
    internal bool InMemory(CacheArea area, Guid practiceId, string key) => _memory.TryGetValue(ValueKey(area, practiceId, key), out _);

    /// <summary>Drops this process's memory copies of the tags' entries (from a commit here, or another instance's message).</summary>
    public void DropLocal(Guid practiceId, IEnumerable<string> tags)
    {
        foreach (var tag in tags) Expire(LocalTag(practiceId, tag));
    }

    // Every memory copy: when Redis is out of reach (invalidations may pass this process by meanwhile), and now and
    // then as tag tokens outlive the entries they guarded (those expire on their own).
    private void ForgetAllLocal()
    {
        foreach (var tag in _tagTokens.Keys) Expire(tag);
    }

    private void Expire(string localTag)
    {
        if (!_tagTokens.TryRemove(localTag, out var source)) return;
        source.Cancel();
        source.Dispose();
    }

    private async Task<T?> LoadOnceAsync<T>(string valueKey, Func<CancellationToken, Task<T?>> load, CancellationToken ct) where T : class
    {
        var shared = new Lazy<Task<object?>>(async () => await load(ct));
        var running = _loads.GetOrAdd(valueKey, shared);
        try
        {
            return (T?)await running.Value;
        }
        catch (OperationCanceledException) when (running != shared && !ct.IsCancellationRequested)
        {
            return await load(ct); // the request whose load this was gave up; this one has not
        }
        finally
        {
            _loads.TryRemove(new KeyValuePair<string, Lazy<Task<object?>>>(valueKey, running));
        }
    }

    private void Remember(CacheArea area, Guid practiceId, string valueKey, IReadOnlyList<string> tags, long[] generations, object value)
    {
        if (_tagTokens.Count > options.LocalMaxEntries * 4) ForgetAllLocal();
        var entry = new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = area.Ttl(options) };
        foreach (var tag in tags)
        {
            var source = _tagTokens.GetOrAdd(LocalTag(practiceId, tag), _ => new CancellationTokenSource());
            try
            {
                entry.ExpirationTokens.Add(new CancellationChangeToken(source.Token));
            }
            catch (ObjectDisposedException)
            {
                return; // invalidated this very moment: do not keep it
            }
        }
        entry.RegisterPostEvictionCallback(static (_, _, reason, state) =>
        {
            if (reason is EvictionReason.Capacity or EvictionReason.TokenExpired or EvictionReason.Expired) CacheMetrics.Evicted((string)state!, reason.ToString().ToLowerInvariant());
        }, area.Name);
        _memory.Set(valueKey, new Local(generations, value), entry);
    }

    private async Task StoreAsync<T>(CacheArea area, Guid practiceId, string valueKey, long[] generations, T value)
    {
        var json = JsonSerializer.Serialize(value, Json);
        var stored = new Stored(generations, area.Phi ? keyRing.Encrypt(json, Context(area, practiceId, valueKey)) : json);
        try
        {
            await redis.GetDatabase().StringSetAsync(valueKey, JsonSerializer.Serialize(stored, Json), area.Ttl(options))
                .WaitAsync(TimeSpan.FromMilliseconds(options.RedisTimeoutMs));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The answer is already in hand; the next lookup loads again.
        }
    }

    private T? Read<T>(CacheArea area, Guid practiceId, string valueKey, string raw, long[] generations) where T : class
    {
        try
        {
            var stored = JsonSerializer.Deserialize<Stored>(raw, Json);
            if (stored is null || !stored.G.AsSpan().SequenceEqual(generations)) return null;
            return JsonSerializer.Deserialize<T>(area.Phi ? keyRing.Decrypt(stored.V, Context(area, practiceId, valueKey)) : stored.V, Json);
        }
        catch (Exception e) when (e is JsonException or KeyRingException or FormatException)
        {
            return null; // written by another release, or under a key this instance does not hold: load instead
        }
    }

    // The ciphertext is bound to its practice and key: copied under another key or practice, it does not decrypt.
    private static CipherContext Context(CacheArea area, Guid practiceId, string valueKey) =>
        new("cache", area.Name, new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(valueKey)).AsSpan(0, 16)), practiceId);

    private static string ValueKey(CacheArea area, Guid practiceId, string key) => $"{Prefix}{area.Name}:{practiceId:N}:{key}";

    private static RedisKey GenerationKey(Guid practiceId, string tag) => $"{Prefix}gen:{practiceId:N}:{tag}";

    private static string LocalTag(Guid practiceId, string tag) => $"{practiceId:N}:{tag}";

    public void Dispose()
    {
        _memory.Dispose();
        foreach (var source in _tagTokens.Values) source.Dispose();
    }
}
