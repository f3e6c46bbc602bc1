using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Clinicians.Create;

public sealed class Endpoint(IdempotentCreate creates) : Endpoint<Request, Clinician>
{
    public override void Configure()
    {
        Post("/clinicians");
        Version(1);
        Permissions(Permission.CliniciansManage);
        Description(b => b.Produces<Clinician>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(409).ProducesProblemDetails(422), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Add a clinician";
            s.Description = "A clinician appointments are booked with, with weekly working hours in their own time zone (bookings must fall inside them). Link userId to their user account (role clinician). Idempotency-Key makes retries safe.";
            s.ExampleRequest = new Request("Dr Lucas Meyer", "Europe/London", Clinician.Example.WorkingHours, "General practice");
            s.ResponseExamples[201] = Clinician.Example;
            s.Responses[409] = "The user account already belongs to another clinician.";
            s.Responses[422] = "userId is not an active user with the clinician role.";
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct) => creates.SendAsync(HttpContext, req, async (c, tx) =>
    {
        if (req.UserId is { } userId && !await Data.IsClinicianUserAsync(c, tx, userId, ct))
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, "userId must be an active user of your practice with the clinician role.");
        var id = Ids.NewV7();
        ClinicianRow row;
        try
        {
            row = await Data.InsertAsync(c, tx, id, req, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "clinicians_user")
        {
            throw ApiException.Conflict("This user account already belongs to another clinician.");
        }
        var hours = req.WorkingHours ?? [];
        await HoursData.SetAsync(c, tx, id, hours, ct);
        await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"clinician/{id}", "clinician.created",
            new { req.Name, req.Specialty, req.TimeZone, req.UserId, WorkingHours = hours }, 1), ct);
        return new Created(201, row.With(hours), $"/api/v1/clinicians/{id}", Versions.ETag(row.Version));
    }, ct);
}
