using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Get;

public static class Data
{
    internal const string Read = $"SELECT {Patient.Columns} FROM patients WHERE id = @id";

    /// <summary>The read and its access-log row in one statement.</summary>
    private static readonly string LoggedRead = Platform.Audit.PhiAccessLog.Logged(Read, "id", "id", "id");

    public static Task<Patient?> ReadLoggedAsync(Platform.Database.Db db, HttpContext http, Guid practiceId, Guid id, CancellationToken ct) =>
        db.ReadInTenantAsync(practiceId, LoggedRead, Platform.Audit.PhiAccessLog.Parameters(new { id }, http, "read", "patient", 1),
            rows => rows.ReadSingleOrDefaultAsync<Patient?>(), ct);

    public static Task<Patient?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Patient>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
