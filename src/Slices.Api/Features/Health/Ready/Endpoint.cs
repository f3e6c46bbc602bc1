using FastEndpoints;
using Slices.Api.Platform.Health;
using Slices.Api.Platform.Lifecycle;

namespace Slices.Api.Features.Health.Ready;

/// <summary>Status "ready", or "not_ready" with the reason: shutting_down, database_unreachable, migrations_pending or unsafe_database_role.</summary>
public sealed record Response(string Status, string? Reason);

public sealed class Endpoint(HealthProbe probe, ShutdownState shutdown) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/healthz/ready");
        RoutePrefixOverride(string.Empty);
        AllowAnonymous();
        Options(b => b.DisableRateLimiting()); // a platform's health checkers share an address: see HealthProbe.RecentDatabaseAsync
        Description(b => b.Produces<Response>(200, "application/json").Produces<Response>(503, "application/json"), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Readiness probe";
            s.Description = "200 when this instance should get traffic: the database answers and every migration is applied. 503 from the moment shutdown begins, so load balancers stop routing here before the listener closes.";
            s.ResponseExamples[200] = new Response("ready", null);
            s.ResponseExamples[503] = new Response("not_ready", "shutting_down");
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var reason = shutdown.IsStopping ? "shutting_down"
            : !(await probe.RecentDatabaseAsync()).Healthy ? "database_unreachable"
            : !await probe.MigrationsAppliedAsync(ct) ? "migrations_pending"
            : !await probe.DatabaseRoleIsSafeAsync(ct) ? "unsafe_database_role"
            : null;
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.ResponseAsync(new Response(reason is null ? "ready" : "not_ready", reason), reason is null ? 200 : 503, ct);
    }
}
