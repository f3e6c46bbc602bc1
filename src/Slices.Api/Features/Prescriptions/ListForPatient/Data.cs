using Dapper;
using Npgsql;

namespace Slices.Api.Features.Prescriptions.ListForPatient;

public static class Data
{
    private const string PatientExists = "SELECT EXISTS (SELECT FROM patients WHERE id = @patientId)";

    private const string All = $"SELECT {Prescription.Columns} FROM prescriptions WHERE patient_id = @patientId ORDER BY created_at DESC, id DESC";

    public static Task<bool> PatientExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(PatientExists, new { patientId }, tx, cancellationToken: ct));

    public static async Task<IReadOnlyList<Prescription>> AllAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, CancellationToken ct) =>
        [.. await c.QueryAsync<Prescription>(new CommandDefinition(All, new { patientId }, tx, cancellationToken: ct))];
}
