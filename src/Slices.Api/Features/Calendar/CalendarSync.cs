using Dapper;
using Npgsql;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Calendar;

public sealed record SyncResult(int Created, int Updated, int Deleted, int BusyBlocks);

/// <summary>
/// Pushes appointments to the calendars of their clinicians (create, update on reschedule, delete on cancel) and
/// pulls the clinicians' own busy times. Every push is idempotent: the provider event id is kept per appointment,
/// creates carry the appointment's id to the provider (Google event id, Graph transactionId), and a link only moves
/// forward in appointment version, so retries and racing workers converge on the appointment's latest state.
/// </summary>
public sealed class CalendarSync(Db db, CalendarTokens tokens, CalendarProviders providers, CalendarOptions options, TimeProvider clock, ILogger<CalendarSync> logger)
{
    private sealed record Target(
        Guid AppointmentId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, int Version,
        Guid ConnectionId, string Provider, string? ProviderEventId, int? SyncedVersion, bool? Deleted);

    private const string TargetColumns = """
        SELECT a.id AS appointment_id, a.starts_at, a.ends_at, a.status, a.version, cc.id AS connection_id, cc.provider,
               l.provider_event_id, l.synced_version, l.deleted
        FROM appointments a
        JOIN clinicians c ON c.id = a.clinician_id
        JOIN calendar_connections cc ON cc.user_id = c.user_id AND cc.status = 'connected'
        LEFT JOIN calendar_event_links l ON l.connection_id = cc.id AND l.appointment_id = a.id
        """;

    private const string ForAppointment = TargetColumns + " WHERE a.id = @appointmentId";
    private const string WithCalendars = "SELECT DISTINCT appointment_id FROM (" + TargetColumns + " WHERE a.id = ANY(@appointmentIds)) t";

    // What a connection still has to push: new, changed, or cancelled-but-still-in-the-calendar appointments in the window.
    private const string Outstanding = TargetColumns + """
         WHERE cc.id = @connectionId AND a.starts_at >= @from AND a.starts_at < @to
           AND (l.appointment_id IS NULL AND a.status <> 'cancelled'
                OR l.deleted = false AND (l.synced_version < a.version OR a.status = 'cancelled'))
        ORDER BY a.starts_at
        """;

    private const string SaveLink = """
        INSERT INTO calendar_event_links (practice_id, connection_id, appointment_id, provider_event_id, synced_version, deleted)
        VALUES (current_tenant(), @ConnectionId, @AppointmentId, @EventId, @Version, @Deleted)
        ON CONFLICT (practice_id, connection_id, appointment_id) DO UPDATE
            SET provider_event_id = EXCLUDED.provider_event_id, synced_version = EXCLUDED.synced_version, deleted = EXCLUDED.deleted, synced_at = now()
            WHERE calendar_event_links.synced_version <= EXCLUDED.synced_version
        """;

    private const string Synced = "UPDATE calendar_connections SET last_sync_at = now(), last_error = NULL WHERE id = @id";
    private const string Failed = "UPDATE calendar_connections SET last_error = @error WHERE id = @id";
    private const string CurrentVersion = "SELECT version FROM appointments WHERE id = @id";

    private const string ClinicianOf = """
        SELECT c.id FROM clinicians c JOIN calendar_connections cc ON cc.user_id = c.user_id WHERE cc.id = @connectionId
        """;

    private const string OwnEvents = "SELECT provider_event_id FROM calendar_event_links WHERE connection_id = @connectionId";

    private const string ReplaceBusy = """
        WITH gone AS (DELETE FROM calendar_busy WHERE connection_id = @connectionId)
        INSERT INTO calendar_busy (practice_id, connection_id, clinician_id, period)
        SELECT current_tenant(), @connectionId, @clinicianId, tstzrange(s, e, '[)') FROM unnest(@starts, @ends) AS b(s, e)
        """;

    /// <summary>Brings every connected calendar of the appointment's clinician up to date with it.</summary>
    public async Task<SyncResult> PushAppointmentAsync(Guid practiceId, Guid appointmentId, CancellationToken ct)
    {
        var total = new SyncResult(0, 0, 0, 0);
        for (var round = 0; round < 3; round++)
        {
            var targets = await db.ReadInTenantAsync(practiceId, ForAppointment, new DynamicParameters(new { appointmentId }),
                async rows => (await rows.ReadAsync<Target>()).ToList(), ct);
            if (targets.Count == 0) break; // the clinician has no calendar connected: the common case, one round trip
            var pushed = new SyncResult(0, 0, 0, 0);
            foreach (var target in targets) pushed = Add(pushed, await PushAsync(practiceId, target, ct));
            total = Add(total, pushed);
            // Changed again while we pushed: go round once more, so the calendar ends on the latest version.
            var latest = await db.InTenantAsync(practiceId, (c, tx) => c.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(CurrentVersion, new { id = appointmentId }, tx, cancellationToken: ct)), ct);
            if (targets.All(t => t.Version == latest)) break;
        }
        return total;
    }

    /// <summary>Which of these appointments have a connected calendar to push to.</summary>
    public async Task<IReadOnlySet<Guid>> AppointmentsWithCalendarsAsync(Guid practiceId, Guid[] appointmentIds, CancellationToken ct) =>
        await db.ReadInTenantAsync(practiceId, WithCalendars, new DynamicParameters(new { appointmentIds }),
            async rows => (await rows.ReadAsync<Guid>()).ToHashSet(), ct);

    /// <summary>Pushes whatever the connection is missing in the sync window, then pulls the clinician's busy times.</summary>
    public async Task<SyncResult> ReconcileAsync(Guid practiceId, Guid connectionId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var targets = await db.InTenantAsync(practiceId, async (c, tx) => (await c.QueryAsync<Target>(new CommandDefinition(Outstanding,
            new { connectionId, from = now.AddDays(-1), to = now.AddDays(options.SyncDays) }, tx, cancellationToken: ct))).ToList(), ct);
        var result = new SyncResult(0, 0, 0, 0);
        foreach (var target in targets) result = Add(result, await PushAsync(practiceId, target, ct));
        return result with { BusyBlocks = await PullBusyAsync(practiceId, connectionId, ct) };
    }

    private async Task<SyncResult> PushAsync(Guid practiceId, Target t, CancellationToken ct)
    {
        var provider = providers[t.Provider];
        var entry = new CalendarEntry(t.AppointmentId, options.EventTitle, t.StartsAt, t.EndsAt);
        var live = t.ProviderEventId is not null && t.Deleted == false;
        var (action, deleted) = (t.Status, live) switch
        {
            ("cancelled", true) => ("deleted", true),
            ("cancelled", false) => (null, true),
            (_, true) when t.SyncedVersion >= t.Version => (null, false),
            (_, true) => ("updated", false),
            _ when t.ProviderEventId is not null => (null, true), // deleted at cancel; a cancelled appointment never comes back
            _ => ("created", false),
        };
        if (action is null) return new SyncResult(0, 0, 0, 0);

        var eventId = await CallAsync(practiceId, t.ConnectionId, async token => action switch
        {
            "created" => await provider.CreateEventAsync(token, entry, ct),
            "updated" => await Then(provider.UpdateEventAsync(token, t.ProviderEventId!, entry, ct), t.ProviderEventId!),
            _ => await Then(provider.DeleteEventAsync(token, t.ProviderEventId!, ct), t.ProviderEventId!),
        }, ct);

        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            await c.ExecuteAsync(new CommandDefinition(SaveLink, new { t.ConnectionId, t.AppointmentId, EventId = eventId, t.Version, Deleted = deleted }, tx, cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition(Synced, new { id = t.ConnectionId }, tx, cancellationToken: ct));
            TransactionEvents.Touch(CalendarEvents.Stream(t.ConnectionId));
            await EventStore.AppendAsync(c, tx, Actor.System, new NewEvent(CalendarEvents.Stream(t.ConnectionId), CalendarEvents.EventSynced,
                new { appointmentId = t.AppointmentId, connectionId = t.ConnectionId, provider = t.Provider, action }), ct);
            return 0;
        }, ct);
        return action switch { "created" => new(1, 0, 0, 0), "updated" => new(0, 1, 0, 0), _ => new(0, 0, 1, 0) };

        static async Task<string> Then(Task call, string id)
        {
            await call;
            return id;
        }
    }

    private async Task<int> PullBusyAsync(Guid practiceId, Guid connectionId, CancellationToken ct)
    {
        var (clinicianId, ours, provider) = await db.InTenantAsync(practiceId, async (c, tx) => (
            await c.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(ClinicianOf, new { connectionId }, tx, cancellationToken: ct)),
            (await c.QueryAsync<string>(new CommandDefinition(OwnEvents, new { connectionId }, tx, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal),
            await c.QuerySingleAsync<string>(new CommandDefinition("SELECT provider FROM calendar_connections WHERE id = @connectionId", new { connectionId }, tx, cancellationToken: ct))), ct);
        if (clinicianId is null) return 0; // the calendar of someone who sees no patients: nothing to keep free

        var now = clock.GetUtcNow();
        var busy = await CallAsync(practiceId, connectionId, token => providers[provider].BusyAsync(token, now.AddHours(-1), now.AddDays(options.SyncDays), ct), ct);
        var theirs = busy.Where(b => !ours.Contains(b.EventId)).ToList();
        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            await c.ExecuteAsync(new CommandDefinition(ReplaceBusy, new
            {
                connectionId,
                clinicianId,
                starts = theirs.Select(b => b.StartsAt).ToArray(),
                ends = theirs.Select(b => b.EndsAt).ToArray(),
            }, tx, cancellationToken: ct));
            await EventStore.AppendAsync(c, tx, Actor.System, new NewEvent(CalendarEvents.Stream(connectionId), CalendarEvents.BusyRefreshed, new { blocks = theirs.Count }), ct);
            TransactionEvents.Touch(CalendarEvents.Stream(connectionId));
            return await c.ExecuteAsync(new CommandDefinition(Synced, new { id = connectionId }, tx, cancellationToken: ct));
        }, ct);
        return theirs.Count;
    }

    /// <summary>Calls the provider with a fresh token, refreshing once if it rejects the token; records the last failure on the connection.</summary>
    private async Task<T> CallAsync<T>(Guid practiceId, Guid connectionId, Func<string, Task<T>> call, CancellationToken ct)
    {
        try
        {
            var token = await tokens.AccessTokenAsync(practiceId, connectionId, null, ct);
            try
            {
                return await call(token);
            }
            catch (AccessTokenRejectedException)
            {
                return await call(await tokens.AccessTokenAsync(practiceId, connectionId, token, ct));
            }
        }
        catch (ProviderUnavailableException e)
        {
            logger.LogWarning("Calendar connection {ConnectionId}: {Reason}", connectionId, e.Message);
            await db.InTenantAsync(practiceId, (c, tx) =>
            {
                TransactionEvents.Touch(CalendarEvents.Stream(connectionId));
                return c.ExecuteAsync(new CommandDefinition(Failed, new { id = connectionId, error = e.Message }, tx, cancellationToken: ct));
            }, ct);
            throw;
        }
    }

    private static SyncResult Add(SyncResult a, SyncResult b) => new(a.Created + b.Created, a.Updated + b.Updated, a.Deleted + b.Deleted, a.BusyBlocks + b.BusyBlocks);
}
