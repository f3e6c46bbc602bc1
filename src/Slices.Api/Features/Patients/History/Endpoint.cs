using FastEndpoints;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Patients.History;

public sealed class Endpoint(Db db, TimeProvider clock) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/patients/{id}/history");
        Version(1);
        Permissions(Permission.PatientsRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "A patient as they were at a moment";
            s.Description = "Rebuilt from the audit trail's events alone (created, then each update and archive up to at), so it shows exactly what the record said then. Recorded in the PHI access log.";
            s.ResponseExamples[200] = new Response(Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5"), new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero), 1, 1,
                "HFC-000142", "Maria", "Santos", new DateOnly(1984, 3, 12), "female", "+447700900123", "maria.santos@example.com", false);
            s.Responses[404] = "No patient with this id in your practice, or none yet at that moment.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var at = req.At ?? clock.GetUtcNow();
        var state = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var rebuilt = Replay.Fold(req.Id, at, await Data.EventsAsync(c, tx, req.Id, at, ct))
                ?? throw ApiException.NotFound("patient (at that moment)");
            await PhiAccessLog.RecordAsync(c, tx, HttpContext, "history", "patient", [(req.Id, req.Id)], ct);
            return rebuilt;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(state, ct);
    }
}
