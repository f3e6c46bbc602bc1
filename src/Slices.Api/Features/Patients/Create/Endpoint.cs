using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Patients.Create;

public sealed class Endpoint(IdempotentCreate creates) : Endpoint<Request, Patient>
{
    public override void Configure()
    {
        Post("/patients");
        Version(1);
        Permissions(Permission.PatientsWrite);
        Description(b => b.Produces<Patient>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(409).ProducesProblemDetails(422), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Register a patient";
            s.Description = "Creates the patient's record. The medical record number (mrn) is optional and unique within the practice. The answer's ETag is needed to change the record later. Send an Idempotency-Key (a UUID) to make retries safe: the same key and body replay the first answer; the same key with another body is 422.";
            s.ExampleRequest = new Request("Maria", "Santos", new DateOnly(1984, 3, 12), "female", "+447700900123", "maria.santos@example.com", "HFC-000142");
            s.ResponseExamples[201] = Patient.Example;
            s.Responses[409] = "Another patient of the practice has this medical record number.";
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct) => creates.SendAsync(HttpContext, req, async (c, tx) =>
    {
        var id = Ids.NewV7();
        Patient created;
        try
        {
            created = await Data.InsertAsync(c, tx, id, req, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "patients_mrn")
        {
            throw ApiException.Conflict("Another patient of this practice has this medical record number.");
        }
        await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"patient/{id}", "patient.created", new
        {
            req.Mrn, req.GivenName, req.FamilyName, req.DateOfBirth, req.Sex, req.Phone, req.Email,
        }, 1), ct);
        return new Created(201, created, $"/api/v1/patients/{id}", Versions.ETag(created.Version));
    }, ct);
}
