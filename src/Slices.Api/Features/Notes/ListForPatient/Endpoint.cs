using FastEndpoints;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Notes.ListForPatient;

public sealed record Request(Guid Id);

public sealed record Response(IReadOnlyList<Note> Items);

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/patients/{id}/notes");
        Version(1);
        Permissions(Permission.NotesRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "A patient's clinical notes";
            s.Description = "Every note on the patient, newest first, addenda included (amendsId points at the note they amend). Each carries the ETag version for changing drafts. Recorded in the PHI access log.";
            s.ResponseExamples[200] = new Response([Note.Example]);
            s.Responses[404] = "No patient with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var items = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            if (!await Data.PatientExistsAsync(c, tx, req.Id, ct)) throw ApiException.NotFound("patient");
            var notes = await Data.AllAsync(c, tx, req.Id, ct);
            await PhiAccessLog.RecordAsync(c, tx, HttpContext, "list", "note", notes.Select(n => (n.Id, req.Id)), ct);
            return notes;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(items), ct);
    }
}
