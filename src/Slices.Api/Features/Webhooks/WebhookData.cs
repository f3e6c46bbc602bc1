using Dapper;
using Npgsql;

namespace Slices.Api.Features.Webhooks;

/// <summary>The statements the webhook slices share (reads of one endpoint, and the re-queue of a delivery).</summary>
public static class WebhookData
{
    private const string One = $"SELECT {Webhook.Columns} FROM webhook_endpoints WHERE id = @id";

    private const string Requeue = """
        WITH d AS (
            UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now()
            WHERE id = @id RETURNING id)
        INSERT INTO webhook_queue (delivery_id, practice_id) SELECT id, current_tenant() FROM d
        ON CONFLICT (delivery_id) DO UPDATE SET due_at = now(), locked_until = NULL
        """;

    public static Task<Webhook?> GetAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Webhook>(new CommandDefinition(One, new { id }, tx, cancellationToken: ct));

    /// <summary>Puts a delivery back in the queue, due now; false when the practice has no such delivery.</summary>
    public static async Task<bool> RequeueAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(Requeue, new { id }, tx, cancellationToken: ct)) > 0;
}
