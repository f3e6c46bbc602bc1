using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Notes.Get;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Note>
{
    public override void Configure()
    {
        Get("/notes/{id}");
        Version(1);
        Permissions(Permission.NotesRead);
        Description(b => b.Produces<Note>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Read a clinical note";
            s.Description = "The note and its ETag (send it as If-Match to change a draft). Recorded in the PHI access log.";
            s.ResponseExamples[200] = Note.Example;
            s.Responses[404] = "No note with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var note = await PhiAccessLog.ReadOneAsync<Note>(db, HttpContext, User.PracticeId(), Data.Read, req.Id, "note", "patient_id", ct)
            ?? throw ApiException.NotFound("note");
        Versions.SetETag(HttpContext.Response, note.Version);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(note, ct);
    }
}
