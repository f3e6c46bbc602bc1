using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.History;

public static class Data
{
    internal const string Events = """
        SELECT version, type, data::text AS data FROM events
        WHERE stream = @stream AND occurred_at <= @at
        ORDER BY version
        """;

    public static async Task<IReadOnlyList<EventRow>> EventsAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, DateTimeOffset at, CancellationToken ct) =>
        [.. await c.QueryAsync<EventRow>(new CommandDefinition(Events, new { stream = $"patient/{id}", at }, tx, cancellationToken: ct))];
}
