using Dapper;
using Npgsql;

namespace Slices.Api.Features.Practices.Settings;

public static class Data
{
    private const string Lock = "SELECT id, name, require_mfa FROM practices WHERE id = current_tenant() FOR UPDATE";

    private const string Update = "UPDATE practices SET require_mfa = @requireMfa WHERE id = current_tenant()";

    public static Task<Response> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct) =>
        c.QuerySingleAsync<Response>(new CommandDefinition(Lock, transaction: tx, cancellationToken: ct));

    public static Task UpdateAsync(NpgsqlConnection c, NpgsqlTransaction tx, bool requireMfa, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Update, new { requireMfa }, tx, cancellationToken: ct));
}
