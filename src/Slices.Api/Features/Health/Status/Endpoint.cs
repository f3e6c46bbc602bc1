using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Health;
using Slices.Api.Platform.Jobs;

namespace Slices.Api.Features.Health.Status;

public sealed class Endpoint(HealthProbe probe, JobBacklog backlog, ReleaseInfo release, TimeProvider clock) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/health");
        AllowAnonymous();
        Description(b => b.Produces<Response>(200, "application/json").Produces<Response>(503, "application/json"), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Service health";
            s.Description = "Checks PostgreSQL and Redis with one round trip each, and counts the background jobs waiting for a worker (jobs.backlog). healthy: both answer. degraded (still 200): Redis is away, so the API serves from the database alone, more slowly. unhealthy (503): the database is away.";
            s.ResponseExamples[200] = new Response("healthy", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), "3f9c2d1",
                new Services(new Dependency("healthy", true, 0.84), new Dependency("healthy", true, 0.31)), new Jobs(3));
            s.ResponseExamples[503] = new Response("unhealthy", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), "3f9c2d1",
                new Services(new Dependency("unhealthy", false, 3000), new Dependency("healthy", true, 0.31)), new Jobs(null));
            s.Responses[200] = "Healthy, or degraded with Redis away.";
            s.Responses[503] = "The database cannot be reached.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var database = probe.DatabaseAsync(ct);
        var redis = probe.RedisAsync(ct);
        var waiting = probe.CountAsync(backlog.CountAsync, ct);
        await Task.WhenAll(database, redis, waiting);

        var status = (database.Result.Healthy, redis.Result.Healthy) switch
        {
            (false, _) => "unhealthy",
            (true, false) => "degraded",
            _ => "healthy",
        };
        var response = new Response(status, clock.GetUtcNow(), release.Release, new Services(Describe(database.Result), Describe(redis.Result)), new Jobs(waiting.Result));
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.ResponseAsync(response, database.Result.Healthy ? 200 : 503, ct);
    }

    private static Dependency Describe(DependencyCheck check) =>
        new(check.Healthy ? "healthy" : "unhealthy", check.Healthy, check.LatencyMs);
}
