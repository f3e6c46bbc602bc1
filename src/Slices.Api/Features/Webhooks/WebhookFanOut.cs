using Dapper;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Webhooks;

/// <summary>
/// Fans each event out to the practice's enabled endpoints subscribed to its type, as one delivery row each (and
/// its queue row), with the body fixed now. Fed by the outbox, so every committed event arrives, in any number of
/// workers; the unique (endpoint, message) key makes a second hand-over of the same event add nothing.
/// </summary>
public sealed class WebhookFanOut(Db db) : IOutboxConsumer
{
    private const string Subscribed = "SELECT DISTINCT unnest(events) FROM webhook_endpoints WHERE enabled";
    private const string Event = "SELECT id, data::text AS data, occurred_at FROM events WHERE seq = @seq";

    public const string Enqueue = """
        WITH d AS (
            INSERT INTO webhook_deliveries (practice_id, id, endpoint_id, message_id, type, body, next_attempt_at)
            SELECT current_tenant(), gen_random_uuid(), e.id, @messageId, @type, @body, now()
            FROM webhook_endpoints e
            WHERE CASE WHEN @endpointId::uuid IS NULL THEN e.enabled AND @type = ANY(e.events) ELSE e.id = @endpointId END -- one endpoint: a test message
            ON CONFLICT (practice_id, endpoint_id, message_id) DO NOTHING
            RETURNING id)
        INSERT INTO webhook_queue (delivery_id, practice_id) SELECT id, current_tenant() FROM d
        """;

    private sealed record EventRow(Guid Id, string Data, DateTimeOffset OccurredAt)
    {
        public EventRow() : this(Guid.Empty, "", default) { }
    }

    public string Name => "webhooks";

    /// <summary>Only events some endpoint of their practice wants: one query per practice in the batch.</summary>
    public async Task<IReadOnlyList<OutboxItem>> WorthHandlingAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct)
    {
        var worth = new List<OutboxItem>();
        foreach (var practice in items.GroupBy(i => i.PracticeId))
        {
            var types = await db.ReadInTenantAsync(practice.Key, Subscribed, new DynamicParameters(), async rows => (await rows.ReadAsync<string>()).ToHashSet(StringComparer.Ordinal), ct);
            worth.AddRange(practice.Where(i => types.Contains(i.Type)));
        }
        return worth;
    }

    public async Task HandleAsync(OutboxItem item, CancellationToken ct)
    {
        await db.InTenantAsync(item.PracticeId, async (c, tx) =>
        {
            var found = await c.QuerySingleOrDefaultAsync<EventRow>(new CommandDefinition(Event, new { seq = item.Seq }, tx, cancellationToken: ct));
            if (found is null) return 0;
            var body = WebhookEvents.Body(item.Type, item.Stream, found.Data, found.OccurredAt);
            return await c.ExecuteAsync(new CommandDefinition(Enqueue,
                new { messageId = MessageId(found.Id), type = item.Type, body, endpointId = (Guid?)null }, tx, cancellationToken: ct));
        }, ct);
    }

    /// <summary>The webhook-id of an event's message: the same for every endpoint and every retry.</summary>
    public static string MessageId(Guid eventId) => $"msg_{eventId:N}";
}
