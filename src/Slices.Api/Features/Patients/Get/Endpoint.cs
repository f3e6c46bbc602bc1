using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Patients.Get;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db, TwoLevelCache cache) : Endpoint<Request, Patient>
{
    public override void Configure()
    {
        Get("/patients/{id}");
        Options(b => b.LooksUpCacheOf("patient", "id"));
        Version(1);
        Permissions(Permission.PatientsRead);
        Description(b => b.Produces<Patient>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Read a patient";
            s.Description = "The patient's record, archived ones included, with its ETag (send it as If-Match to change the record). Every read is recorded in the PHI access log.";
            s.ResponseExamples[200] = Patient.Example;
            s.Responses[404] = "No patient with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (patient, outcome) = await PhiAccessLog.ReadOneCachedAsync<Patient>(db, cache, HttpContext, User.PracticeId(), Data.Read, req.Id, "patient", "id", p => p.Id, ct);
        if (patient is null) throw ApiException.NotFound("patient");
        HttpContext.Response.SetCacheStatus(outcome);
        Versions.SetETag(HttpContext.Response, patient.Version);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(patient, ct);
    }
}
