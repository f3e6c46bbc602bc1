using Dapper;
using Npgsql;

namespace Slices.Api.Features.Prescriptions.Sign;

public static class Data
{
    private const string Lock = $"SELECT {Prescription.Columns} FROM prescriptions WHERE id = @id FOR UPDATE";

    private const string Sign = $"""
        UPDATE prescriptions SET status = 'signed', signed_at = now(), version = version + 1, updated_at = now()
        WHERE id = @id
        RETURNING {Prescription.Columns}
        """;

    public static Task<Prescription?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Prescription>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Prescription> SignAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleAsync<Prescription>(new CommandDefinition(Sign, new { id }, tx, cancellationToken: ct));
}
