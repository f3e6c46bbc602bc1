using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Archive;

public static class Data
{
    private const string Lock = "SELECT archived_at IS NOT NULL AS archived, version FROM patients WHERE id = @id FOR UPDATE";

    private const string Archive = "UPDATE patients SET archived_at = now(), version = version + 1, updated_at = now() WHERE id = @id";

    public static Task<(bool Archived, int Version)?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<(bool, int)?>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task ArchiveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(Archive, new { id }, tx, cancellationToken: ct));
}
