using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Clinicians.AddTimeOff;

public sealed class Endpoint(IdempotentCreate creates) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/clinicians/{id}/time-off");
        Version(1);
        Permissions(Permission.CliniciansManage);
        Description(b => b.Produces<Response>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Book time off for a clinician";
            s.Description = "No appointments can be booked with the clinician in [startsAt, endsAt), and availability leaves it out. Appointments already booked then are not cancelled.";
            s.ExampleRequest = new Request { Id = Clinician.Example.Id, StartsAt = new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), EndsAt = new DateTimeOffset(2026, 12, 27, 0, 0, 0, TimeSpan.Zero), Reason = "Holiday" };
            s.ResponseExamples[201] = new Response(Guid.Parse("01935d51-0000-7000-8000-000000000001"), Clinician.Example.Id, new DateTimeOffset(2026, 12, 24, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 27, 0, 0, 0, TimeSpan.Zero), "Holiday");
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct) => creates.SendAsync(HttpContext, req, async (c, tx) =>
    {
        if (!await Data.ClinicianExistsAsync(c, tx, req.Id, ct)) throw ApiException.NotFound("clinician");
        var timeOffId = Ids.NewV7();
        await Data.InsertAsync(c, tx, timeOffId, req, ct);
        await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"clinician/{req.Id}", "clinician.time_off_added", new { timeOffId, req.StartsAt, req.EndsAt }), ct);
        return new Created(201, new Response(timeOffId, req.Id, req.StartsAt!.Value, req.EndsAt!.Value, req.Reason), null);
    }, ct);
}
