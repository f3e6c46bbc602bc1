using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Webhooks.Stats;

/// <summary>Over the last 24 hours: messages delivered, failed for good, still pending, and the share delivered of those settled.</summary>
public sealed record Response(long Succeeded, long Failed, long Pending, long Attempts, double? SuccessRate);

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    private const string Day = """
        SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(*) FILTER (WHERE status = 'failed') AS failed,
               count(*) FILTER (WHERE status = 'pending') AS pending, coalesce(sum(attempts), 0) AS attempts
        FROM webhook_deliveries WHERE created_at > now() - interval '24 hours'
        """;

    private sealed record Counts(long Succeeded, long Failed, long Pending, long Attempts);

    public override void Configure()
    {
        Get("/webhooks/stats");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Webhook delivery success rate";
            s.Description = "The practice's messages of the last 24 hours. successRate = succeeded / (succeeded + failed); null when none has settled yet.";
            s.ResponseExamples[200] = new Response(1480, 2, 6, 1530, 0.9986);
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var c = await db.ReadInTenantAsync(User.PracticeId(), Day, new DynamicParameters(), rows => rows.ReadSingleAsync<Counts>(), ct);
        var settled = c.Succeeded + c.Failed;
        await Send.OkAsync(new Response(c.Succeeded, c.Failed, c.Pending, c.Attempts, settled == 0 ? null : Math.Round((double)c.Succeeded / settled, 4)), ct);
    }
}
