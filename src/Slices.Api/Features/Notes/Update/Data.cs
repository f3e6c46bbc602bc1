using Dapper;
using Npgsql;

namespace Slices.Api.Features.Notes.Update;

public static class Data
{
    private const string Lock = $"SELECT {Note.Columns} FROM clinical_notes WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE clinical_notes SET body = @body, version = version + 1, updated_at = now() WHERE id = @id
        RETURNING {Note.Columns}
        """;

    public static Task<Note?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Note>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Note> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string body, CancellationToken ct) =>
        c.QuerySingleAsync<Note>(new CommandDefinition(Save, new { id, body }, tx, cancellationToken: ct));
}
