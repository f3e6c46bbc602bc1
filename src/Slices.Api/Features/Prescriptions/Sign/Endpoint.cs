using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Prescriptions.Sign;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Prescription>
{
    public override void Configure()
    {
        Post("/prescriptions/{id}/sign");
        Version(1);
        Permissions(Permission.PrescriptionsSign);
        Description(b => b.Produces<Prescription>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sign a prescription";
            s.Description = "The clinician who drafted it signs it; from then on its content can never change (the database refuses too). Only drafts can be signed (409).";
            s.ResponseExamples[200] = Prescription.Example with { Status = "signed", SignedAt = new DateTimeOffset(2026, 11, 24, 9, 35, 0, TimeSpan.Zero), Version = 2 };
            s.Responses[403] = "Not a clinician (permission prescriptions:sign), or not the prescriber of this draft.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var signed = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var draft = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("prescription");
            if (draft.PrescriberId != User.SubjectId())
                throw new ApiException(StatusCodes.Status403Forbidden, "Only the clinician who drafted this prescription can sign it.");
            if (draft.Status != "draft") throw ApiException.Conflict($"This prescription is already {draft.Status}.");
            var result = await Data.SignAsync(c, tx, req.Id, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"prescription/{req.Id}", "prescription.signed", new { result.SignedAt }), ct);
            return result;
        }, ct);
        Versions.SetETag(HttpContext.Response, signed.Version);
        await Send.OkAsync(signed, ct);
    }
}
