using Dapper;
using Npgsql;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Calendar;

/// <summary>
/// A connection's access token, refreshed first when it expires within 5 minutes. A refresh runs under the
/// connection row's lock, so across every instance only one spends the refresh token (providers may rotate it and
/// refuse the old one); the others wait, then use what it stored. A refused grant marks the connection
/// reauth_required, records calendar.reauth_required, and every later call skips it.
/// </summary>
public sealed class CalendarTokens(Db db, KeyRing keyRing, CalendarProviders providers, TimeProvider clock, ILogger<CalendarTokens> logger)
{
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(5);

    private sealed record Row(Guid Id, string Provider, string Status, string? AccessToken, string? RefreshToken, DateTimeOffset? ExpiresAt);

    private const string Read = "SELECT id, provider, status, access_token, refresh_token, expires_at FROM calendar_connections WHERE id = @id";
    private const string Lock = Read + " FOR UPDATE";

    private const string Store = """
        UPDATE calendar_connections SET status = 'connected', access_token = @access, refresh_token = @refresh, expires_at = @expiresAt, last_error = NULL, updated_at = now()
        WHERE id = @id
        """;

    private const string MarkReauth = """
        UPDATE calendar_connections SET status = 'reauth_required', last_error = @error, updated_at = now() WHERE id = @id
        """;

    /// <summary>A usable access token; <paramref name="rejected"/> is one the provider just refused, which forces a refresh.</summary>
    public Task<string> AccessTokenAsync(Guid practiceId, Guid connectionId, string? rejected, CancellationToken ct) =>
        AccessTokenAsync(practiceId, connectionId, rejected, Margin, ct);

    /// <summary>Refreshes the connection's tokens now when the access token expires within <paramref name="within"/> (the refresh job).</summary>
    public Task RefreshIfExpiringAsync(Guid practiceId, Guid connectionId, TimeSpan within, CancellationToken ct) =>
        AccessTokenAsync(practiceId, connectionId, null, within > Margin ? within : Margin, ct);

    private async Task<string> AccessTokenAsync(Guid practiceId, Guid connectionId, string? rejected, TimeSpan margin, CancellationToken ct)
    {
        var row = await db.InTenantAsync(practiceId, (c, tx) => c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Read, new { id = connectionId }, tx, cancellationToken: ct)), ct)
                  ?? throw new ReauthRequiredException("the connection no longer exists");
        if (row.Status != "connected") throw new ReauthRequiredException("the connection needs to be authorised again");
        if (Fresh(row) is { } token && token != rejected) return token;

        return await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var locked = await c.QuerySingleAsync<Row>(new CommandDefinition(Lock, new { id = connectionId }, tx, cancellationToken: ct));
            if (locked.Status != "connected") throw new ReauthRequiredException("the connection needs to be authorised again");
            if (Fresh(locked) is { } current && current != rejected) return current; // another instance refreshed while we waited

            var provider = providers[locked.Provider];
            ProviderTokens refreshed;
            try
            {
                refreshed = await provider.RefreshAsync(Decrypt(locked.RefreshToken, EncryptedColumns.CalendarRefreshToken, practiceId, connectionId)
                                                        ?? throw new ReauthRequiredException("no refresh token"), ct);
            }
            catch (ReauthRequiredException e)
            {
                await c.ExecuteAsync(new CommandDefinition(MarkReauth, new { id = connectionId, error = $"the provider refused the grant ({e.Message}); connect again" }, tx, cancellationToken: ct));
                await EventStore.AppendAsync(c, tx, Actor.System, new NewEvent(CalendarEvents.Stream(connectionId), CalendarEvents.ReauthRequired,
                    new { connectionId, provider = locked.Provider }), ct);
                logger.LogWarning("Calendar connection {ConnectionId} ({Provider}) needs to be authorised again", connectionId, locked.Provider);
                return null;
            }
            await StoreAsync(c, tx, practiceId, connectionId, refreshed, ct); // a refresh without a new refresh token keeps the old one
            return refreshed.AccessToken;
        }, ct) ?? throw new ReauthRequiredException("the provider refused the grant");

        string? Fresh(Row r) => r.ExpiresAt > clock.GetUtcNow() + margin ? Decrypt(r.AccessToken, EncryptedColumns.CalendarAccessToken, practiceId, connectionId) : null;
    }

    /// <summary>Stores the tokens of a completed authorization, encrypted for this row.</summary>
    public Task StoreAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, Guid connectionId, ProviderTokens tokens, CancellationToken ct)
    {
        TransactionEvents.Touch(CalendarEvents.Stream(connectionId)); // status and last error change with it
        return c.ExecuteAsync(new CommandDefinition(Store, new
        {
            id = connectionId,
            access = keyRing.Encrypt(tokens.AccessToken, EncryptedColumns.CalendarAccessToken.Context(connectionId, practiceId)),
            refresh = tokens.RefreshToken is null ? null : keyRing.Encrypt(tokens.RefreshToken, EncryptedColumns.CalendarRefreshToken.Context(connectionId, practiceId)),
            expiresAt = tokens.ExpiresAt,
        }, tx, cancellationToken: ct));
    }

    /// <summary>The refresh token (for revocation at disconnect), or null.</summary>
    public async Task<string?> RefreshTokenAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, Guid connectionId, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Read, new { id = connectionId }, tx, cancellationToken: ct));
        return row is null ? null : Decrypt(row.RefreshToken, EncryptedColumns.CalendarRefreshToken, practiceId, connectionId);
    }

    private string? Decrypt(string? stored, EncryptedColumn column, Guid practiceId, Guid connectionId) =>
        stored is null ? null : keyRing.Decrypt(stored, column.Context(connectionId, practiceId));
}
