namespace Slices.Api.Features.Calendar;

/// <summary>
/// A clinician's calendar connection as the API shows it, never with its tokens. Status: connected, or
/// reauth_required (the provider refused the grant; connect again). ExpiresAt is the current access token's.
/// </summary>
public sealed record Connection(
    Guid Id, Guid UserId, string Provider, string Status, DateTimeOffset? ExpiresAt, DateTimeOffset? LastSyncAt, string? LastError, DateTimeOffset CreatedAt)
{
    public const string Columns = "id, user_id, provider, status, expires_at, last_sync_at, last_error, created_at";

    public static readonly Connection Example = new(Guid.Parse("01935d52-6a1b-7c3d-8e4f-5061728394c1"), Guid.Parse("01935d40-0b2c-7d3e-8f40-5162738495a6"),
        "google", "connected", new DateTimeOffset(2026, 11, 24, 10, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 9, 45, 0, TimeSpan.Zero), null,
        new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}

/// <summary>The calendar events recorded in the event store (and delivered by webhooks): ids and provider only.</summary>
public static class CalendarEvents
{
    public const string Connected = "calendar.connected";
    public const string Disconnected = "calendar.disconnected";
    public const string ReauthRequired = "calendar.reauth_required";
    public const string EventSynced = "calendar.event_synced";

    /// <summary>The clinician's busy times were pulled again (a count only): availability changes with them.</summary>
    public const string BusyRefreshed = "calendar.busy_refreshed";

    public static string Stream(Guid connectionId) => $"calendar-connection/{connectionId}";
}

/// <summary>Finding a connection the caller may act on: their own, or any in the practice for those who manage calendars.</summary>
public static class ConnectionAccess
{
    private const string Find = $"SELECT {Connection.Columns} FROM calendar_connections WHERE id = @id AND (@owner::uuid IS NULL OR user_id = @owner)";

    public static Guid? OwnerFilter(System.Security.Claims.ClaimsPrincipal user) =>
        user.HasClaim(Platform.Auth.SlicesClaims.Permission, Platform.Auth.Permission.CalendarManage) ? null : Platform.Auth.SlicesClaims.SubjectId(user);

    public static async Task<Connection> FindAsync(Npgsql.NpgsqlConnection c, Npgsql.NpgsqlTransaction tx, Guid id, Guid? owner, CancellationToken ct) =>
        await Dapper.SqlMapper.QuerySingleOrDefaultAsync<Connection>(c, new Dapper.CommandDefinition(Find, new { id, owner }, tx, cancellationToken: ct))
        ?? throw Platform.Errors.ApiException.NotFound("calendar connection");
}
