using System.Diagnostics;
using Npgsql;
using Slices.Api.Platform.Database;
using StackExchange.Redis;

namespace Slices.Api.Platform.Health;

public sealed record DependencyCheck(bool Healthy, double LatencyMs);

/// <summary>Measures the database and Redis as the API sees them: one round trip each, bounded so health answers quickly.</summary>
public sealed class HealthProbe(NpgsqlDataSource dataSource, IConnectionMultiplexer redis, IHostEnvironment environment, ILogger<HealthProbe> logger)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);
    private Task<DependencyCheck>? _recentDatabase;
    private long _recentDatabaseAt;
    private volatile bool _migrationsApplied;
    private volatile bool _roleChecked;

    public Task<DependencyCheck> DatabaseAsync(CancellationToken ct) => MeasureAsync("database", async token =>
    {
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(token);
    }, ct);

    /// <summary>
    /// The database check for readiness probes, shared by those that arrive within a second of it. The probes skip the
    /// rate limiter: a platform's checkers, and every container's own HEALTHCHECK, come from a few addresses, and were
    /// counted against the per-address limit like anyone's (at 100 a minute, six instances probed every 5 and 10 s
    /// would have been refused, and taken out of the load balancer). Unlimited, a flood of probes still costs the
    /// database one SELECT a second.
    /// </summary>
    public Task<DependencyCheck> RecentDatabaseAsync()
    {
        if (Volatile.Read(ref _recentDatabase) is { } recent && Stopwatch.GetElapsedTime(Interlocked.Read(ref _recentDatabaseAt)) < Reuse) return recent;
        var check = DatabaseAsync(CancellationToken.None); // shared, so no one caller's cancellation; the check has its own time limit
        Volatile.Write(ref _recentDatabase, check);
        Interlocked.Exchange(ref _recentDatabaseAt, Stopwatch.GetTimestamp());
        return check;
    }

    public Task<DependencyCheck> RedisAsync(CancellationToken ct) => MeasureAsync("redis", async token =>
        await redis.GetDatabase().PingAsync().WaitAsync(token), ct);

    /// <summary>A number the database gives (a backlog), or null when it cannot within the health check's limit.</summary>
    public async Task<long?> CountAsync(Func<CancellationToken, Task<long>> count, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Limit);
        try
        {
            return await count(timeout.Token);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>True once every embedded migration is in the journal; migrations never un-apply, so the answer is kept.</summary>
    public async Task<bool> MigrationsAppliedAsync(CancellationToken ct)
    {
        if (_migrationsApplied) return true;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var pending = await Migrator.PendingAsync(connection, ct);
            _migrationsApplied = pending.Count == 0;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not read the migrations journal: {Error}", e.GetType().Name);
        }
        return _migrationsApplied;
    }

    /// <summary>
    /// False when the API's database role could bypass row-level security (tolerated in Development, with a warning).
    /// When the database cannot be reached the check waits for the next call: readiness keeps asking.
    /// </summary>
    public async Task<bool> DatabaseRoleIsSafeAsync(CancellationToken ct)
    {
        if (_roleChecked) return true;
        try
        {
            var unsafeRole = await RoleSafety.IsUnsafeAsync(dataSource, ct);
            if (unsafeRole && !environment.IsDevelopment()) return false;
            if (unsafeRole) logger.LogWarning("{Problem} (allowed in Development only)", RoleSafety.Problem);
            _roleChecked = true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not check the database role yet: {Error}", e.GetType().Name);
        }
        return true;
    }

    private async Task<DependencyCheck> MeasureAsync(string name, Func<CancellationToken, Task> check, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Limit);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await check(timeout.Token);
            return new DependencyCheck(true, Elapsed(started));
        }
        catch (Exception e) when (e is NpgsqlException or RedisException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Health check of {Dependency} failed: {Error}", name, e.GetType().Name);
            return new DependencyCheck(false, Elapsed(started));
        }
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
}
