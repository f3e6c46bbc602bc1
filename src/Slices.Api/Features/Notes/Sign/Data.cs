using Dapper;
using Npgsql;

namespace Slices.Api.Features.Notes.Sign;

public static class Data
{
    private const string Lock = $"SELECT {Note.Columns} FROM clinical_notes WHERE id = @id FOR UPDATE";

    private const string Sign = $"""
        UPDATE clinical_notes SET status = 'signed', signed_at = now(), version = version + 1, updated_at = now() WHERE id = @id
        RETURNING {Note.Columns}
        """;

    public static Task<Note?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Note>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Note> SignAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleAsync<Note>(new CommandDefinition(Sign, new { id }, tx, cancellationToken: ct));
}
