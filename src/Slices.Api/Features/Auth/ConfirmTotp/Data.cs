using Dapper;
using Npgsql;

namespace Slices.Api.Features.Auth.ConfirmTotp;

public static class Data
{
    private const string LockPending = "SELECT totp_secret FROM users WHERE id = @userId AND totp_confirmed_at IS NULL FOR UPDATE";

    private const string Confirm = "UPDATE users SET totp_confirmed_at = now(), totp_last_step = @step WHERE id = @userId";

    private const string InsertCode = "INSERT INTO recovery_codes (practice_id, user_id, code_hash) VALUES (current_tenant(), @userId, @hash)";

    public static Task<string?> LockPendingSecretAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(LockPending, new { userId }, tx, cancellationToken: ct));

    public static Task ConfirmAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, long step, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Confirm, new { userId, step }, tx, cancellationToken: ct));

    public static Task InsertCodesAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, IEnumerable<byte[]> hashes, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertCode, hashes.Select(hash => new { userId, hash }), tx, cancellationToken: ct));
}
