using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Clinicians.Get;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Clinician>
{
    public override void Configure()
    {
        Get("/clinicians/{id}");
        Version(1);
        Permissions(Permission.AppointmentsRead);
        Description(b => b.Produces<Clinician>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Read a clinician";
            s.Description = "The clinician with their working hours, and the ETag to send as If-Match when changing them.";
            s.ResponseExamples[200] = Clinician.Example;
            s.Responses[404] = "No clinician with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var clinician = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var row = await Data.ReadAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("clinician");
            return row.With((await HoursData.OfAsync(c, tx, [req.Id], ct))[req.Id]);
        }, ct);
        Versions.SetETag(HttpContext.Response, clinician.Version);
        await Send.OkAsync(clinician, ct);
    }
}
