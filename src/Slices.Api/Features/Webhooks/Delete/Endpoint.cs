using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Webhooks.Delete;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    // Its deliveries and attempts go with it; their queue rows are dropped by the dispatcher when it meets them.
    private const string Remove = "DELETE FROM webhook_endpoints WHERE id = @id";

    public override void Configure()
    {
        Delete("/webhooks/{id}");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces(204).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Delete a webhook endpoint";
            s.Description = "Nothing more is sent to it, and its delivery history goes with it.";
            s.Responses[204] = "Deleted.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            if (await c.ExecuteAsync(new CommandDefinition(Remove, new { id = req.Id }, tx, cancellationToken: ct)) == 0) throw ApiException.NotFound("webhook endpoint");
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"webhook/{req.Id}", "webhook.deleted", new { }), ct);
            return 0;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
