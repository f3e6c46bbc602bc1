using Dapper;
using Npgsql;

namespace Slices.Api.Platform.Jobs;

/// <summary>Jobs waiting in a queue for a worker (not those running, scheduled for later, or failed).</summary>
public sealed class JobBacklog(NpgsqlDataSource dataSource)
{
    private const string Waiting = "SELECT count(*) FROM hangfire.jobqueue WHERE fetchedat IS NULL";

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Waiting, cancellationToken: ct));
    }
}
