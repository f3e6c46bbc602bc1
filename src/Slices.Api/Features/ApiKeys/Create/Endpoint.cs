using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.ApiKeys.Create;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/api-keys");
        Version(1);
        Permissions(Permission.ApiKeysManage);
        Description(b => b.Produces<Response>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Create an API key for an integration";
            s.Description = "The key is in this answer only; Slices keeps just its hash. Send it as X-API-Key (or Authorization: Bearer). It can do what its scopes allow and nothing else, until it is revoked. Scopes: " + string.Join(", ", Permission.ApiKeyScopes.Order()) + ".";
            s.ExampleRequest = new Request("Reminders integration", [Permission.AppointmentsRead]);
            s.ResponseExamples[201] = new Response(Guid.Parse("01935d3c-1a2b-7c3d-8e4f-5061728394a5"), "Reminders integration", [Permission.AppointmentsRead], "sk_live_AZNdPBosfD6aGy9OXWx7igGTXTwaK3wtjj9AUWFyk5Wlpl...", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
            s.Responses[403] = "Only admins create keys (permission api-keys:manage).";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var id = Ids.NewV7();
        var practiceId = User.PracticeId();
        var (key, secretHash) = ApiKeyToken.Create(practiceId, id);
        string[] scopes = [.. req.Scopes.Order(StringComparer.Ordinal)];
        var createdAt = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var created = await Data.InsertAsync(c, tx, id, req.Name, secretHash, scopes, User.SubjectId(), ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"api_key/{id}", "api_key.created", new { name = req.Name, scopes }, 1), ct);
            return created;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.ResponseAsync(new Response(id, req.Name, scopes, key, createdAt), 201, ct);
    }
}
