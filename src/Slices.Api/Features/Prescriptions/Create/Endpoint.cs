using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Prescriptions.Create;

public sealed class Endpoint(IdempotentCreate creates) : Endpoint<Request, Prescription>
{
    public override void Configure()
    {
        Post("/prescriptions");
        Version(1);
        Permissions(Permission.PrescriptionsWrite);
        Description(b => b.Produces<Prescription>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(422), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Draft a prescription";
            s.Description = "A clinician drafts a prescription for a patient; it can change (PATCH) until the same clinician signs it. Idempotency-Key makes retries safe.";
            s.ExampleRequest = new Request(Prescription.Example.PatientId, "Amoxicillin 500 mg capsules", "500 mg", "oral", "three times a day", 21m, "capsule", 0, "Take with water; complete the course.", "308182");
            s.ResponseExamples[201] = Prescription.Example;
            s.Responses[404] = "No patient with this id in your practice.";
            s.Responses[422] = "The patient is archived.";
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct) => creates.SendAsync(HttpContext, req, async (c, tx) =>
    {
        var active = await Data.PatientActiveAsync(c, tx, req.PatientId, ct) ?? throw ApiException.NotFound("patient");
        if (!active) throw new ApiException(StatusCodes.Status422UnprocessableEntity, "The patient is archived.");
        var id = Ids.NewV7();
        var draft = await Data.InsertAsync(c, tx, id, User.SubjectId(), req, ct);
        await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"prescription/{id}", "prescription.created", req, 1), ct);
        return new Created(201, draft, $"/api/v1/prescriptions/{id}", Versions.ETag(draft.Version));
    }, ct);
}
