using Dapper;
using Npgsql;

namespace Slices.Api.Features.Notes.Create;

public static class Data
{
    private const string PatientExists = "SELECT EXISTS (SELECT FROM patients WHERE id = @patientId)";

    private const string AmendedStatus = "SELECT status FROM clinical_notes WHERE id = @noteId AND patient_id = @patientId";

    private const string Insert = $"""
        INSERT INTO clinical_notes (practice_id, id, patient_id, author_id, body, amends_id)
        VALUES (current_tenant(), @id, @patientId, @authorId, @body, @amendsId)
        RETURNING {Note.Columns}
        """;

    public static Task<bool> PatientExistsAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, CancellationToken ct) =>
        c.ExecuteScalarAsync<bool>(new CommandDefinition(PatientExists, new { patientId }, tx, cancellationToken: ct));

    public static Task<string?> AmendedStatusAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid patientId, Guid noteId, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(AmendedStatus, new { patientId, noteId }, tx, cancellationToken: ct));

    public static Task<Note> InsertAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, Guid patientId, Guid authorId, string body, Guid? amendsId, CancellationToken ct) =>
        c.QuerySingleAsync<Note>(new CommandDefinition(Insert, new { id, patientId, authorId, body, amendsId }, tx, cancellationToken: ct));
}
