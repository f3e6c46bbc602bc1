using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Notes.Sign;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Note>
{
    public override void Configure()
    {
        Post("/notes/{id}/sign");
        Version(1);
        Permissions(Permission.NotesSign);
        Description(b => b.Produces<Note>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sign a note";
            s.Description = "The author signs their note; it is then locked for good (the database refuses changes too), and later corrections are addenda.";
            s.ResponseExamples[200] = Note.Example with { Status = "signed", SignedAt = new DateTimeOffset(2026, 11, 24, 9, 40, 0, TimeSpan.Zero), Version = 2 };
            s.Responses[403] = "Not a clinician (permission notes:sign), or not the note's author.";
            s.Responses[409] = "Already signed.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var signed = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var note = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("note");
            if (note.AuthorId != User.SubjectId()) throw new ApiException(StatusCodes.Status403Forbidden, "Only the note's author can sign it.");
            if (note.Status == "signed") throw ApiException.Conflict("This note is already signed.");
            var result = await Data.SignAsync(c, tx, req.Id, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"note/{req.Id}", "note.signed", new { result.SignedAt }), ct);
            return result;
        }, ct);
        Versions.SetETag(HttpContext.Response, signed.Version);
        await Send.OkAsync(signed, ct);
    }
}
