using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.ApiKeys.Update;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("/api-keys/{id}");
        Version(1);
        Permissions(Permission.ApiKeysManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Set an API key's own request limit";
            s.Description = "rateLimit is the number of requests the key may make per rate-limit window (RateLimit-Policy shows the window); null returns it to the practice default. Applies from the key's next request.";
            s.ExampleRequest = new Request { Id = Guid.Parse("01935d3c-1a2b-7c3d-8e4f-5061728394a5"), RateLimit = 600 };
            s.ResponseExamples[200] = new Response(Guid.Parse("01935d3c-1a2b-7c3d-8e4f-5061728394a5"), "Reminders integration", 600);
            s.Responses[404] = "No active key with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var key = await Data.SaveAsync(c, tx, req, ct) ?? throw ApiException.NotFound("active API key");
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"api_key/{req.Id}", "api_key.changed", new { req.RateLimit }), ct);
            return key;
        }, ct);
        await Send.OkAsync(saved, ct);
    }
}
