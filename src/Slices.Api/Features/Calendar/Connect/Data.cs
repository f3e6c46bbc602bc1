using Dapper;
using Npgsql;

namespace Slices.Api.Features.Calendar.Connect;

public static class Data
{
    private const string Insert = """
        INSERT INTO calendar_oauth_states (practice_id, id, user_id, provider, code_verifier, return_url, expires_at)
        VALUES (current_tenant(), @id, @userId, @provider, @codeVerifier, @returnUrl, @expiresAt)
        """;

    public static Task InsertStateAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Guid userId, string provider, string codeVerifier, string? returnUrl, DateTimeOffset expiresAt, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Insert, new { id, userId, provider, codeVerifier, returnUrl, expiresAt }, tx, cancellationToken: ct));
}
