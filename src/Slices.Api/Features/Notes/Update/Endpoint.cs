using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Notes.Update;

public sealed class Endpoint(Db db) : Endpoint<Request, Note>
{
    public override void Configure()
    {
        Patch("/notes/{id}");
        Version(1);
        Permissions(Permission.NotesWrite);
        Description(b => b.Produces<Note>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(412).ProducesProblemDetails(428), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a draft note";
            s.Description = "Replaces the body of a draft note. Only its author may, and only until it is signed (409: write an addendum instead). If-Match is required (428 without, 412 when someone saved since your read).";
            s.ExampleRequest = new Request { Id = Note.Example.Id, Body = "BP 128/82. Continue current dose; review in 6 weeks." };
            s.ResponseExamples[200] = Note.Example with { Body = "BP 128/82. Continue current dose; review in 6 weeks.", Version = 2 };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var expected = Versions.Expected(HttpContext.Request);
        var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var note = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("note");
            if (note.AuthorId != User.SubjectId()) throw new ApiException(StatusCodes.Status403Forbidden, "Only the note's author can change it.");
            if (note.Version != expected) throw Versions.Stale();
            if (note.Status == "signed") throw ApiException.Conflict("A signed note is locked: write an addendum (POST /api/v1/patients/{id}/notes with amendsNoteId).");
            var updated = await Data.SaveAsync(c, tx, req.Id, req.Body, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"note/{req.Id}", "note.updated", new { req.Body }), ct);
            return updated;
        }, ct);
        Versions.SetETag(HttpContext.Response, saved.Version);
        await Send.OkAsync(saved, ct);
    }
}
