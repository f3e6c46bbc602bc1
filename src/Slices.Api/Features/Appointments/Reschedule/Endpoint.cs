using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Appointments.Reschedule;

public sealed class Endpoint(Db db) : Endpoint<Request, Appointment>
{
    public override void Configure()
    {
        Patch("/appointments/{id}");
        Version(1);
        Permissions(Permission.AppointmentsWrite);
        Description(b => b.Produces<Appointment>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(412).ProducesProblemDetails(422).ProducesProblemDetails(428), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Reschedule an appointment";
            s.Description = "Moves a scheduled appointment (and/or changes its reason). The same rules as booking apply: working hours and time off (422), no overlap (409). Only scheduled appointments move (409 otherwise). If-Match is required (428 without, 412 when stale).";
            s.ExampleRequest = new Request { Id = Appointment.Example.Id, StartsAt = Appointment.Example.StartsAt.AddHours(1), EndsAt = Appointment.Example.EndsAt.AddHours(1) };
            s.ResponseExamples[200] = Appointment.Example with { StartsAt = Appointment.Example.StartsAt.AddHours(1), EndsAt = Appointment.Example.EndsAt.AddHours(1), Version = 2 };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var expected = Versions.Expected(HttpContext.Request);
        Appointment? current = null;
        try
        {
            var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
            {
                current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("appointment");
                if (current.Version != expected) throw Versions.Stale();
                if (current.Status != "scheduled") throw ApiException.Conflict($"A {current.Status} appointment cannot be rescheduled.");
                var next = current with { StartsAt = req.StartsAt ?? current.StartsAt, EndsAt = req.EndsAt ?? current.EndsAt, Reason = req.Reason ?? current.Reason };
                if (next.StartsAt != current.StartsAt || next.EndsAt != current.EndsAt)
                    await Schedule.RequireWorkingTimeAsync(c, tx, current.ClinicianId, next.StartsAt, next.EndsAt, ct);
                var updated = await Data.SaveAsync(c, tx, next, ct);
                await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"appointment/{req.Id}", "appointment.rescheduled",
                    new { req.StartsAt, req.EndsAt, req.Reason }), ct);
                return updated;
            }, ct);
            Versions.SetETag(HttpContext.Response, saved.Version);
            await Send.OkAsync(saved, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation && e.ConstraintName == Schedule.NoOverlap && current is not null)
        {
            throw await Schedule.ClashAsync(db, User.PracticeId(), current.ClinicianId, req.StartsAt ?? current.StartsAt, req.EndsAt ?? current.EndsAt, req.Id, ct);
        }
    }
}
