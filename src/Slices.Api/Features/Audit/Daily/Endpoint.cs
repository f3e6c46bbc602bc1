using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Audit.Daily;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/audit/daily");
        Version(1);
        Permissions(Permission.AuditRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Daily audit counts per actor";
            s.Description = "For each UTC day in the range and each actor (user, API key, the system): how many audit events they caused and how many PHI reads they made. Counted by a background job every hour; countedTo says how recent the counts are. At most 92 days per call.";
            s.ResponseExamples[200] = new Response([new DayCount(new DateOnly(2026, 11, 23), "user", Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), 42, 310)],
                new DateTimeOffset(2026, 11, 24, 9, 55, 0, TimeSpan.Zero));
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.ReadAsync(c, tx, req.From!.Value, req.To!.Value, ct), ct), ct);
}
