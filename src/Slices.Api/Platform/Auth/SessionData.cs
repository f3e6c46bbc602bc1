using Dapper;
using Npgsql;

namespace Slices.Api.Platform.Auth;

/// <summary>A live session. MfaPending: the practice requires two-factor for this role and the user has not enrolled yet.</summary>
public sealed record SessionRow(Guid UserId, string Role, DateTimeOffset ExpiresAt, DateTimeOffset LastSeenAt, bool MfaPending);

/// <summary>The session SQL that several slices share: the per-request check, touching, and revocation.</summary>
public static class SessionData
{
    private const string Active = """
        SELECT s.user_id, u.role, s.expires_at, s.last_seen_at,
               p.require_mfa AND u.role IN ('admin', 'clinician') AND u.totp_confirmed_at IS NULL AS mfa_pending
        FROM sessions s
        JOIN users u ON u.practice_id = s.practice_id AND u.id = s.user_id
        JOIN practices p ON p.id = s.practice_id
        WHERE s.id = @sessionId AND s.revoked_at IS NULL AND u.disabled_at IS NULL
        """;

    private const string Touch = "UPDATE sessions SET last_seen_at = @now WHERE id = @sessionId AND revoked_at IS NULL";

    private const string RevokeOne = """
        UPDATE sessions SET revoked_at = @now, revoked_reason = @reason
        WHERE id = @sessionId AND revoked_at IS NULL
        RETURNING id
        """;

    private const string RevokeUser = """
        UPDATE sessions SET revoked_at = @now, revoked_reason = @reason
        WHERE user_id = @userId AND revoked_at IS NULL
        RETURNING id
        """;

    private const string ActiveOfUser = "SELECT id FROM sessions WHERE user_id = @userId AND revoked_at IS NULL";

    private const string ActiveOfPractice = "SELECT id FROM sessions WHERE revoked_at IS NULL";

    public static async Task<IReadOnlyList<Guid>> ActiveIdsAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct) =>
        [.. await c.QueryAsync<Guid>(new CommandDefinition(ActiveOfPractice, transaction: tx, cancellationToken: ct))];

    public static async Task<IReadOnlyList<Guid>> ActiveIdsOfUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        [.. await c.QueryAsync<Guid>(new CommandDefinition(ActiveOfUser, new { userId }, tx, cancellationToken: ct))];

    public static Task<SessionRow?> ActiveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid sessionId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(Active, new { sessionId }, tx, cancellationToken: ct));

    public static Task TouchAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid sessionId, DateTimeOffset now, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Touch, new { sessionId, now }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Guid>> RevokeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid sessionId, string reason, DateTimeOffset now, CancellationToken ct) =>
        [.. await c.QueryAsync<Guid>(new CommandDefinition(RevokeOne, new { sessionId, reason, now }, tx, cancellationToken: ct))];

    public static async Task<IReadOnlyList<Guid>> RevokeAllOfUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, string reason, DateTimeOffset now, CancellationToken ct) =>
        [.. await c.QueryAsync<Guid>(new CommandDefinition(RevokeUser, new { userId, reason, now }, tx, cancellationToken: ct))];
}
