using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Patients.Archive;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/patients/{id}");
        Version(1);
        Permissions(Permission.PatientsWrite);
        Description(b => b.Produces(204).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Archive a patient";
            s.Description = "Clinical records are retained, never deleted: the patient is archived, leaves searches (unless includeArchived=true) and can still be read by id and in history. Archiving an archived patient changes nothing and also answers 204.";
            s.Responses[204] = "The patient is archived.";
            s.Responses[404] = "No patient with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("patient");
            if (current.Archived) return 0;
            await Data.ArchiveAsync(c, tx, req.Id, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"patient/{req.Id}", "patient.archived", new { }), ct);
            return 0;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
