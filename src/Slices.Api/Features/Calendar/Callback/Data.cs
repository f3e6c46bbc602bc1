using Dapper;
using Npgsql;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Calendar.Callback;

public static class Data
{
    public sealed record PendingAuthorization(Guid UserId, string Provider, string CodeVerifier, string? ReturnUrl);

    // Spends the state in the same statement that reads it: a replayed state finds nothing.
    private const string Consume = """
        UPDATE calendar_oauth_states SET used_at = now()
        WHERE id = @id AND used_at IS NULL AND expires_at > now()
        RETURNING user_id, provider, code_verifier, return_url
        """;

    private const string Ensure = """
        INSERT INTO calendar_connections (practice_id, id, user_id, provider) VALUES (current_tenant(), @id, @userId, @provider)
        ON CONFLICT (practice_id, user_id, provider) DO NOTHING
        """;

    private const string Lock = $"SELECT {Connection.Columns} FROM calendar_connections WHERE user_id = @userId AND provider = @provider FOR UPDATE";

    private const string Read = $"SELECT {Connection.Columns} FROM calendar_connections WHERE id = @id";

    public static Task<PendingAuthorization?> ConsumeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<PendingAuthorization>(new CommandDefinition(Consume, new { id }, tx, cancellationToken: ct));

    /// <summary>The user's connection to the provider, created if it is the first, and locked for this transaction.</summary>
    public static async Task<Connection> EnsureConnectionAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid userId, string provider, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(Ensure, new { id = Ids.NewV7(), userId, provider }, tx, cancellationToken: ct));
        return await c.QuerySingleAsync<Connection>(new CommandDefinition(Lock, new { userId, provider }, tx, cancellationToken: ct));
    }

    public static Task<Connection> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleAsync<Connection>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
