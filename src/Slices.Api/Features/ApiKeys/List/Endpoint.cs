using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.ApiKeys.List;

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/api-keys");
        Version(1);
        Permissions(Permission.ApiKeysManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List the practice's API keys";
            s.Description = "Every key ever made, revoked ones included, with when each was last used. The keys themselves are never shown again.";
            s.ResponseExamples[200] = new Response([new Item
            {
                Id = Guid.Parse("01935d3c-1a2b-7c3d-8e4f-5061728394a5"),
                Name = "Reminders integration",
                Scopes = [Permission.AppointmentsRead],
                CreatedAt = new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero),
            }]);
        });
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(new Response(await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.AllAsync(c, tx, ct), ct)), ct);
}
