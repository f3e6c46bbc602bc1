using Dapper;
using Npgsql;

namespace Slices.Api.Features.ApiKeys.Create;

public static class Data
{
    private const string Insert = """
        INSERT INTO api_keys (practice_id, id, name, secret_hash, scopes, created_by)
        VALUES (current_tenant(), @id, @name, @secretHash, @scopes, @createdBy)
        RETURNING created_at
        """;

    public static Task<DateTimeOffset> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string name, byte[] secretHash, string[] scopes, Guid createdBy, CancellationToken ct) =>
        c.ExecuteScalarAsync<DateTimeOffset>(new CommandDefinition(Insert, new { id, name, secretHash, scopes, createdBy }, tx, cancellationToken: ct));
}
