using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Webhooks.Update;

public sealed class Endpoint(Db db, WebhookUrlGuard guard) : Endpoint<Request, Webhook>
{
    private const string Save = $"""
        UPDATE webhook_endpoints
        SET url = coalesce(@url, url), events = coalesce(@events, events), description = coalesce(@description, description),
            enabled = coalesce(@enabled, enabled),
            disabled_reason = CASE WHEN coalesce(@enabled, enabled) THEN NULL WHEN @enabled = false THEN 'disabled by the practice' ELSE disabled_reason END,
            failing_since = CASE WHEN @enabled THEN NULL ELSE failing_since END,
            version = version + 1, updated_at = now()
        WHERE id = @id
        RETURNING {Webhook.Columns}
        """;

    // What waited while the endpoint was off goes out now.
    private const string Resume = """
        INSERT INTO webhook_queue (delivery_id, practice_id)
        SELECT id, current_tenant() FROM webhook_deliveries WHERE endpoint_id = @id AND status = 'pending'
        ON CONFLICT (delivery_id) DO UPDATE SET due_at = now(), locked_until = NULL
        """;

    public override void Configure()
    {
        Patch("/webhooks/{id}");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Webhook>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a webhook endpoint";
            s.Description = "Change its url, its events, its description, or switch it off and on (enabled). Switching it on clears disabledReason and sends the messages left pending.";
            s.ResponseExamples[200] = Webhook.Example;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (req.Url is not null && await guard.ProblemAsync(new Uri(req.Url), ct) is { } problem) ThrowError(r => r.Url!, $"url {problem}.");
        string[]? events = req.Events is null ? null : [.. req.Events.Order(StringComparer.Ordinal)];
        var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var row = await c.QuerySingleOrDefaultAsync<Webhook>(new CommandDefinition(Save,
                new { id = req.Id, url = req.Url is null ? null : new Uri(req.Url).ToString(), events, description = req.Description, enabled = req.Enabled }, tx, cancellationToken: ct))
                ?? throw ApiException.NotFound("webhook endpoint");
            if (req.Enabled == true) await c.ExecuteAsync(new CommandDefinition(Resume, new { id = req.Id }, tx, cancellationToken: ct));
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"webhook/{req.Id}", "webhook.changed",
                new { url = req.Url is not null, events, req.Enabled }), ct);
            return row;
        }, ct);
        await Send.OkAsync(saved, ct);
    }
}
