using FastEndpoints;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Prescriptions.ListForPatient;

public sealed record Request(Guid Id);

public sealed record Response(IReadOnlyList<Prescription> Items);

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/patients/{id}/prescriptions");
        Version(1);
        Permissions(Permission.PrescriptionsRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "A patient's prescriptions";
            s.Description = "Every prescription of the patient, newest first: drafts, signed and discontinued. Recorded in the PHI access log.";
            s.ResponseExamples[200] = new Response([Prescription.Example]);
            s.Responses[404] = "No patient with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var items = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            if (!await Data.PatientExistsAsync(c, tx, req.Id, ct)) throw ApiException.NotFound("patient");
            var all = await Data.AllAsync(c, tx, req.Id, ct);
            await PhiAccessLog.RecordAsync(c, tx, HttpContext, "list", "prescription", all.Select(p => (p.Id, req.Id)), ct);
            return all;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(items), ct);
    }
}
