using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Webhooks.SendTest;

public sealed record Request(Guid Id);

/// <summary>The delivery made for the test message: follow it at GET /webhooks/{id}/deliveries.</summary>
public sealed record Response(Guid DeliveryId, string MessageId);

public sealed class Endpoint(Db db, TimeProvider clock) : Endpoint<Request, Response>
{
    private const string Exists = "SELECT true FROM webhook_endpoints WHERE id = @id";
    private const string Created = "SELECT id FROM webhook_deliveries WHERE endpoint_id = @endpointId AND message_id = @messageId";

    public override void Configure()
    {
        Post("/webhooks/{id}/test");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Response>(202, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Send a test event";
            s.Description = "Queues a webhook.test message for this endpoint, whatever its subscriptions, signed and retried like any other. To an endpoint that is switched off it waits until the endpoint is on again.";
            s.ResponseExamples[202] = new Response(Guid.Parse("01935d71-1a2b-7c3d-8e4f-5061728394a5"), "msg_01935d711a2b7c3d8e4f5061728394a5");
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var messageId = $"msg_{Ids.NewV7():N}";
        var deliveryId = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            if (!await c.QuerySingleOrDefaultAsync<bool>(new CommandDefinition(Exists, new { id = req.Id }, tx, cancellationToken: ct))) throw ApiException.NotFound("webhook endpoint");
            await c.ExecuteAsync(new CommandDefinition(WebhookFanOut.Enqueue,
                new { messageId, type = WebhookEvents.Test, body = WebhookEvents.TestBody(req.Id, clock.GetUtcNow()), endpointId = (Guid?)req.Id }, tx, cancellationToken: ct));
            return await c.QuerySingleAsync<Guid>(new CommandDefinition(Created, new { endpointId = req.Id, messageId }, tx, cancellationToken: ct));
        }, ct);
        await Send.ResponseAsync(new Response(deliveryId, messageId), 202, ct);
    }
}
