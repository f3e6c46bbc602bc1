using FastEndpoints;

namespace Slices.Api.Features.Health.Live;

public sealed record Response(string Status);

public sealed class Endpoint : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/healthz/live");
        RoutePrefixOverride(string.Empty);
        AllowAnonymous();
        Options(b => b.DisableRateLimiting()); // a platform's health checkers share an address: see HealthProbe.RecentDatabaseAsync
        Description(b => b.Produces<Response>(200, "application/json"), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Liveness probe";
            s.Description = "200 while the process can serve HTTP. It checks no dependency, so an outage of the database never gets healthy instances restarted.";
            s.ResponseExamples[200] = new Response("alive");
        });
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Response("alive"), ct);
}
