using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Patients.Update;

public sealed class Endpoint(Db db) : Endpoint<Request, Patient>
{
    public override void Configure()
    {
        Patch("/patients/{id}");
        Version(1);
        Permissions(Permission.PatientsWrite);
        Description(b => b.Produces<Patient>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(412).ProducesProblemDetails(428), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a patient's details";
            s.Description = "Changes the fields sent, leaving the others. If-Match must carry the ETag of your last read: 428 without it, 412 if someone changed the record since (read again, then reapply). The change and the fields it touched are recorded as a patient.updated event.";
            s.ExampleRequest = new Request { Id = Patient.Example.Id, Phone = "+447700900456" };
            s.ResponseExamples[200] = Patient.Example with { Phone = "+447700900456", Version = 2 };
            s.Responses[404] = "No patient with this id in your practice.";
            s.Responses[409] = "Another patient of the practice has this medical record number.";
            s.Responses[412] = "The record changed since the ETag sent in If-Match.";
            s.Responses[428] = "If-Match is missing.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var expected = Versions.Expected(HttpContext.Request);
        var patient = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("patient");
            if (current.Version != expected) throw Versions.Stale();
            var next = current with
            {
                GivenName = req.GivenName ?? current.GivenName,
                FamilyName = req.FamilyName ?? current.FamilyName,
                DateOfBirth = req.DateOfBirth ?? current.DateOfBirth,
                Sex = req.Sex ?? current.Sex,
                Phone = req.Phone ?? current.Phone,
                Email = req.Email ?? current.Email,
                Mrn = req.Mrn ?? current.Mrn,
            };
            var changed = Changes(current, next);
            if (changed.Count == 0) return current;

            Patient saved;
            try
            {
                saved = await Data.SaveAsync(c, tx, next, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "patients_mrn")
            {
                throw ApiException.Conflict("Another patient of this practice has this medical record number.");
            }
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"patient/{req.Id}", "patient.updated", changed), ct);
            return saved;
        }, ct);
        Versions.SetETag(HttpContext.Response, patient.Version);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(patient, ct);
    }

    /// <summary>The fields that differ, by their API names, with their new values: the event's data.</summary>
    private static Dictionary<string, object?> Changes(Patient before, Patient after)
    {
        var changes = new Dictionary<string, object?>();
        void Compare<T>(string name, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) changes[name] = b; }
        Compare("givenName", before.GivenName, after.GivenName);
        Compare("familyName", before.FamilyName, after.FamilyName);
        Compare("dateOfBirth", before.DateOfBirth, after.DateOfBirth);
        Compare("sex", before.Sex, after.Sex);
        Compare("phone", before.Phone, after.Phone);
        Compare("email", before.Email, after.Email);
        Compare("mrn", before.Mrn, after.Mrn);
        return changes;
    }
}
