using Dapper;
using Npgsql;

namespace Slices.Api.Features.Notes.Get;

public static class Data
{
    private const string Read = $"SELECT {Note.Columns} FROM clinical_notes WHERE id = @id";

    public static Task<Note?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Note>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
