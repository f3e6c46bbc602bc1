using Dapper;
using Npgsql;

namespace Slices.Api.Features.Prescriptions.Discontinue;

public static class Data
{
    private const string Lock = "SELECT status FROM prescriptions WHERE id = @id FOR UPDATE";

    private const string Discontinue = $"""
        UPDATE prescriptions SET status = 'discontinued', discontinued_at = now(), discontinue_reason = @reason, version = version + 1, updated_at = now()
        WHERE id = @id
        RETURNING {Prescription.Columns}
        """;

    public static Task<string?> LockStatusAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Prescription> DiscontinueAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string reason, CancellationToken ct) =>
        c.QuerySingleAsync<Prescription>(new CommandDefinition(Discontinue, new { id, reason }, tx, cancellationToken: ct));
}
