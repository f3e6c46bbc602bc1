using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;
using Slices.Api.Platform.Idempotency;

namespace Slices.Api.Features.Appointments.Book;

public sealed class Endpoint(IdempotentCreate creates, Db db) : Endpoint<Request, Appointment>
{
    public override void Configure()
    {
        Post("/appointments");
        Version(1);
        Permissions(Permission.AppointmentsWrite);
        Description(b => b.Produces<Appointment>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(422), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Book an appointment";
            s.Description = "Books the patient with the clinician for [startsAt, endsAt) (at most 8 hours). The time must be inside the clinician's working hours and outside their time off (422). A clinician's appointments never overlap, however many bookings race for a slot: the losers get 409 naming the appointment that holds it (conflictingAppointmentId). Idempotency-Key makes retries safe.";
            s.ExampleRequest = new Request(Appointment.Example.PatientId, Appointment.Example.ClinicianId, Appointment.Example.StartsAt, Appointment.Example.EndsAt, Appointment.Example.Reason);
            s.ResponseExamples[201] = Appointment.Example;
            s.Responses[404] = "No such patient or clinician in your practice.";
            s.Responses[409] = "The clinician already has an appointment overlapping this time.";
            s.Responses[422] = "Outside working hours, in time off, or the patient is archived or the clinician inactive.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        try
        {
            var id = Ids.NewV7();
            await creates.SendAsync(HttpContext, req, () => Data.Statement(id, req, Actor.Of(HttpContext)), async row =>
            {
                var (outcome, booked) = await Data.ReadAsync(row);
                if (outcome.PatientActive is null) throw ApiException.NotFound("patient");
                if (outcome.ClinicianActive is null) throw ApiException.NotFound("clinician");
                if (outcome.PatientActive is false || outcome.ClinicianActive is false)
                    throw new ApiException(StatusCodes.Status422UnprocessableEntity, "The patient is archived or the clinician does not take bookings.");
                if (booked is null) throw Schedule.OutsideWorkingTime();
                return new Created(201, booked, $"/api/v1/appointments/{id}", Versions.ETag(booked.Version));
            }, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation && e.ConstraintName == Schedule.NoOverlap)
        {
            throw await Schedule.ClashAsync(db, User.PracticeId(), req.ClinicianId, req.StartsAt!.Value, req.EndsAt!.Value, Guid.Empty, ct);
        }
    }
}
