using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Webhooks.RetryDelivery;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Post("/webhooks/deliveries/{id}/retry");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces(202).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Send a message again";
            s.Description = "Puts a delivery (failed, or pending a later retry) back in the queue to be attempted now, with the same webhook-id and body. Attempts already made stay in its log.";
            s.Responses[202] = "Queued.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (!await db.InTenantAsync(User.PracticeId(), (c, tx) => WebhookData.RequeueAsync(c, tx, req.Id, ct), ct)) throw ApiException.NotFound("webhook delivery");
        await Send.ResultAsync(Microsoft.AspNetCore.Http.Results.Accepted());
    }
}
