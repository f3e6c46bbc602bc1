using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Webhooks.List;

public sealed record Response(IReadOnlyList<Webhook> Items);

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    private const string All = $"SELECT {Webhook.Columns} FROM webhook_endpoints ORDER BY id";

    public override void Configure()
    {
        Get("/webhooks");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "The practice's webhook endpoints";
            s.Description = "Every endpoint, enabled or not (disabledReason says why one was switched off). Secrets are never shown again.";
            s.ResponseExamples[200] = new Response([Webhook.Example]);
        });
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(new Response(await db.ReadInTenantAsync(User.PracticeId(), All, new DynamicParameters(), async rows => (await rows.ReadAsync<Webhook>()).ToList(), ct)), ct);
}
