using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.ApiKeys.Revoke;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/api-keys/{id}");
        Version(1);
        Permissions(Permission.ApiKeysManage);
        Description(b => b.Produces(204).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Revoke an API key";
            s.Description = "The key stops working on its next request. Revoking a key that is already revoked changes nothing and also answers 204.";
            s.Responses[204] = "The key is revoked.";
            s.Responses[404] = "No key with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var active = await Data.LockActiveAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("API key");
            if (!active) return 0;
            await Data.RevokeAsync(c, tx, req.Id, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"api_key/{req.Id}", "api_key.revoked", new { }), ct);
            return 0;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
