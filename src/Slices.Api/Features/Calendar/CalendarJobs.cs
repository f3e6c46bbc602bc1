using Dapper;
using Hangfire;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Jobs;

namespace Slices.Api.Features.Calendar;

/// <summary>Every 15 minutes: one reconcile job per connected calendar (push what is missing, pull busy times).</summary>
public sealed class CalendarSyncFanOut(CalendarConnectionsDue due, IBackgroundJobClient jobs) : IRecurringJob
{
    public const string Id = "calendar-sync";

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var (practiceId, connectionId) in await due.ConnectedAsync(null, ct))
            jobs.Enqueue<CalendarConnectionJobs>(JobQueues.Low, j => j.ReconcileAsync(practiceId, connectionId, CancellationToken.None));
    }
}

/// <summary>Every 5 minutes: refresh the tokens of connections whose access token expires within 10 minutes, before a sync needs them.</summary>
public sealed class TokenRefreshFanOut(CalendarConnectionsDue due, IBackgroundJobClient jobs) : IRecurringJob
{
    public const string Id = "calendar-token-refresh";
    public static readonly TimeSpan Within = TimeSpan.FromMinutes(10);

    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var (practiceId, connectionId) in await due.ConnectedAsync(Within, ct))
            jobs.Enqueue<CalendarConnectionJobs>(JobQueues.Critical, j => j.RefreshAsync(practiceId, connectionId, CancellationToken.None));
    }
}

/// <summary>The per-connection jobs; both are idempotent. A connection that needs authorising again is marked, not retried.</summary>
public sealed class CalendarConnectionJobs(CalendarSync sync, CalendarTokens tokens, ILogger<CalendarConnectionJobs> logger)
{
    public async Task ReconcileAsync(Guid practiceId, Guid connectionId, CancellationToken ct)
    {
        try
        {
            var result = await sync.ReconcileAsync(practiceId, connectionId, ct);
            logger.LogInformation("Calendar connection {ConnectionId} reconciled: {Created} created, {Updated} updated, {Deleted} deleted, {BusyBlocks} busy blocks",
                connectionId, result.Created, result.Updated, result.Deleted, result.BusyBlocks);
        }
        catch (ReauthRequiredException)
        {
            logger.LogInformation("Calendar connection {ConnectionId} skipped: it needs to be authorised again", connectionId);
        }
    }

    public async Task RefreshAsync(Guid practiceId, Guid connectionId, CancellationToken ct)
    {
        try
        {
            await tokens.RefreshIfExpiringAsync(practiceId, connectionId, TokenRefreshFanOut.Within, ct);
        }
        catch (ReauthRequiredException)
        {
            logger.LogInformation("Calendar connection {ConnectionId} not refreshed: it needs to be authorised again", connectionId);
        }
    }
}

/// <summary>Connected calendars across practices, each practice read inside its own tenant scope.</summary>
public sealed class CalendarConnectionsDue(Db db, TenantDirectory tenants, TimeProvider clock)
{
    private const string Connected = "SELECT id FROM calendar_connections WHERE status = 'connected' AND (@before::timestamptz IS NULL OR expires_at < @before)";

    /// <param name="expiringWithin">Only connections whose access token expires within this; null for all.</param>
    public async Task<IReadOnlyList<(Guid PracticeId, Guid ConnectionId)>> ConnectedAsync(TimeSpan? expiringWithin, CancellationToken ct)
    {
        var before = expiringWithin is { } within ? clock.GetUtcNow() + within : (DateTimeOffset?)null;
        var found = new List<(Guid, Guid)>();
        foreach (var practiceId in await tenants.AllAsync(ct))
        {
            var ids = await db.ReadInTenantAsync(practiceId, Connected, new DynamicParameters(new { before }), async rows => await rows.ReadAsync<Guid>(), ct);
            found.AddRange(ids.Select(id => (practiceId, id)));
        }
        return found;
    }
}
