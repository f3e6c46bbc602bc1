using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Notes.Create;

public sealed class Endpoint(IdempotentCreate creates) : Endpoint<Request, Note>
{
    public override void Configure()
    {
        Post("/patients/{id}/notes");
        Version(1);
        Permissions(Permission.NotesWrite);
        Description(b => b.Produces<Note>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Write a clinical note";
            s.Description = "A draft note on the patient (up to 20,000 characters) that its author can change until they sign it. A signed note never changes: to correct or add to it, write an addendum (amendsNoteId). Idempotency-Key makes retries safe.";
            s.ExampleRequest = new Request { Id = Note.Example.PatientId, Body = Note.Example.Body };
            s.ResponseExamples[201] = Note.Example;
            s.Responses[404] = "No such patient, or no such note of theirs to amend, in your practice.";
            s.Responses[409] = "The note to amend is not signed yet: change it instead.";
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct) => creates.SendAsync(HttpContext, req, async (c, tx) =>
    {
        if (!await Data.PatientExistsAsync(c, tx, req.Id, ct)) throw ApiException.NotFound("patient");
        if (req.AmendsNoteId is { } amended)
        {
            var status = await Data.AmendedStatusAsync(c, tx, req.Id, amended, ct) ?? throw ApiException.NotFound("note of this patient");
            if (status != "signed") throw ApiException.Conflict("Only a signed note takes addenda; a draft can simply be changed.");
        }
        var id = Ids.NewV7();
        var note = await Data.InsertAsync(c, tx, id, req.Id, User.SubjectId(), req.Body, req.AmendsNoteId, ct);
        await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"note/{id}", "note.created",
            new { patientId = req.Id, req.Body, req.AmendsNoteId }, 1), ct);
        return new Created(201, note, $"/api/v1/notes/{id}", Versions.ETag(note.Version));
    }, ct);
}
