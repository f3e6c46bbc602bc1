using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Webhooks.Get;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Webhook>
{
    public override void Configure()
    {
        Get("/webhooks/{id}");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Webhook>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "One webhook endpoint";
            s.ResponseExamples[200] = Webhook.Example;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await db.InTenantAsync(User.PracticeId(), (c, tx) => WebhookData.GetAsync(c, tx, req.Id, ct), ct) ?? throw ApiException.NotFound("webhook endpoint"), ct);
}
