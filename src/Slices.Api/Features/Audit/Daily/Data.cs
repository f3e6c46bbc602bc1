using Dapper;
using Npgsql;

namespace Slices.Api.Features.Audit.Daily;

public static class Data
{
    private const string Days = """
        SELECT day, actor_type, actor_id, events, phi_reads FROM audit_daily_counts
        WHERE day BETWEEN @from AND @to
        ORDER BY day, actor_type, actor_id;
        SELECT counted_to FROM audit_aggregation_marks;
        """;

    public static async Task<Response> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(Days, new { from, to }, tx, cancellationToken: ct));
        var items = (await grid.ReadAsync<DayCount>()).ToList();
        return new Response(items, await grid.ReadSingleOrDefaultAsync<DateTimeOffset?>());
    }
}
