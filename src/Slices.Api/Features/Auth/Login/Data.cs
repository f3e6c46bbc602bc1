using Dapper;
using Npgsql;

namespace Slices.Api.Features.Auth.Login;

public static class Data
{
    private const string FindAccount = "SELECT practice_id, user_id FROM user_logins WHERE email = @email";

    private const string ReadCandidate = """
        SELECT password_hash, locked_until, disabled_at, failed_logins, failed_window_started_at,
               CASE WHEN totp_confirmed_at IS NOT NULL THEN totp_secret END AS totp_secret
        FROM users WHERE id = @userId
        """;

    private const string LockCandidate = ReadCandidate + " FOR UPDATE";

    private const string RecordFailure = """
        UPDATE users SET failed_logins = @failedLogins, failed_window_started_at = @windowStartedAt, locked_until = @lockedUntil
        WHERE id = @userId
        """;

    private const string RecordSuccess = """
        UPDATE users SET failed_logins = 0, failed_window_started_at = NULL, locked_until = NULL WHERE id = @userId
        """;

    private const string InsertSession = """
        INSERT INTO sessions (practice_id, id, user_id, expires_at, ip, user_agent)
        VALUES (current_tenant(), @sessionId, @userId, @expiresAt, @ip::inet, left(@userAgent, 500))
        """;

    public static Task<Account?> FindAccountAsync(NpgsqlConnection c, string email, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Account>(new CommandDefinition(FindAccount, new { email }, cancellationToken: ct));

    public static Task<Candidate?> ReadCandidateAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Candidate>(new CommandDefinition(ReadCandidate, new { userId }, tx, cancellationToken: ct));

    public static Task<Candidate?> LockCandidateAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Candidate>(new CommandDefinition(LockCandidate, new { userId }, tx, cancellationToken: ct));

    public static Task RecordFailureAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, int failedLogins, DateTimeOffset windowStartedAt, DateTimeOffset? lockedUntil, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(RecordFailure, new { userId, failedLogins, windowStartedAt, lockedUntil }, tx, cancellationToken: ct));

    public static Task RecordSuccessAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(RecordSuccess, new { userId }, tx, cancellationToken: ct));

    public static Task InsertSessionAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid sessionId, Guid userId, DateTimeOffset expiresAt, string? ip, string? userAgent, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertSession, new { sessionId, userId, expiresAt, ip, userAgent }, tx, cancellationToken: ct));
}
