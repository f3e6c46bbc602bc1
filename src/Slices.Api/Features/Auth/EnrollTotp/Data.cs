using Dapper;
using Npgsql;

namespace Slices.Api.Features.Auth.EnrollTotp;

public static class Data
{
    private const string LockUser = "SELECT email, totp_confirmed_at IS NOT NULL AS enrolled FROM users WHERE id = @userId FOR UPDATE";

    private const string SavePending = "UPDATE users SET totp_secret = @secret, totp_last_step = NULL WHERE id = @userId";

    public static Task<(string Email, bool Enrolled)> LockUserAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.QuerySingleAsync<(string, bool)>(new CommandDefinition(LockUser, new { userId }, tx, cancellationToken: ct));

    public static Task SavePendingAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, string secret, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(SavePending, new { userId, secret }, tx, cancellationToken: ct));
}
