using Dapper;
using Npgsql;

namespace Slices.Api.Features.Webhooks.Deliveries;

public static class Data
{
    private sealed record Row(Guid Id, string MessageId, string Type, string Status, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt)
    {
        public Row() : this(Guid.Empty, "", "", "", 0, null, default, null) { }
    }

    private sealed record AttemptRow(Guid DeliveryId, int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, int DurationMs, string? Error)
    {
        public AttemptRow() : this(Guid.Empty, 0, default, null, 0, null) { }
    }

    // Newest first; ids are UUIDv4 here, so the page is ordered by (created_at, id) through the endpoint index's id.
    private const string Page = """
        SELECT id, message_id, type, status, attempts, next_attempt_at, created_at, delivered_at
        FROM webhook_deliveries
        WHERE endpoint_id = @endpointId AND (@status::text IS NULL OR status = @status) AND (@before::uuid IS NULL OR id < @before)
        ORDER BY id DESC LIMIT @limit;
        SELECT delivery_id, attempt, attempted_at, status_code, duration_ms, error FROM webhook_attempts
        WHERE delivery_id = ANY(ARRAY(
            SELECT id FROM webhook_deliveries
            WHERE endpoint_id = @endpointId AND (@status::text IS NULL OR status = @status) AND (@before::uuid IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @limit))
        ORDER BY delivery_id, attempt;
        SELECT EXISTS (SELECT FROM webhook_endpoints WHERE id = @endpointId);
        """;

    /// <returns>Null when the practice has no such endpoint.</returns>
    public static async Task<IReadOnlyList<Delivery>?> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid endpointId, string? status, Guid? before, int limit, CancellationToken ct)
    {
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(Page, new { endpointId, status, before, limit }, tx, cancellationToken: ct));
        var rows = (await grid.ReadAsync<Row>()).ToList();
        var attempts = (await grid.ReadAsync<AttemptRow>()).ToLookup(a => a.DeliveryId);
        if (!await grid.ReadSingleAsync<bool>()) return null;
        return [.. rows.Select(r => new Delivery(r.Id, r.MessageId, r.Type, r.Status, r.Attempts, r.NextAttemptAt, r.CreatedAt, r.DeliveredAt,
            [.. attempts[r.Id].Select(a => new Attempt(a.Attempt, a.AttemptedAt, a.StatusCode, a.DurationMs, a.Error))]))];
    }
}
