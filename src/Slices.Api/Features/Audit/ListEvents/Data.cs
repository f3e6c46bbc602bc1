using Dapper;
using Npgsql;

namespace Slices.Api.Features.Audit.ListEvents;

public static class Data
{
    private const string Page = """
        SELECT seq, id, stream, version, type, data::text AS data, actor_type, actor_id, request_id, occurred_at
        FROM events
        WHERE seq < @before
          AND (@stream::text IS NULL OR stream = @stream)
          AND (@type::text IS NULL OR type = @type)
          AND (@from::timestamptz IS NULL OR occurred_at >= @from)
          AND (@to::timestamptz IS NULL OR occurred_at < @to)
        ORDER BY seq DESC
        LIMIT @limit
        """;

    public static async Task<IReadOnlyList<Row>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Request r, long before, int limit, CancellationToken ct) =>
        [.. await c.QueryAsync<Row>(new CommandDefinition(Page, new { before, r.Stream, r.Type, r.From, r.To, limit }, tx, cancellationToken: ct))];
}
