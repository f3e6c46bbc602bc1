using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Appointments.Get;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db) : Endpoint<Request, Appointment>
{
    public override void Configure()
    {
        Get("/appointments/{id}");
        Version(1);
        Permissions(Permission.AppointmentsRead);
        Description(b => b.Produces<Appointment>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Read an appointment";
            s.Description = "The appointment and its ETag (send it as If-Match to reschedule). Recorded in the PHI access log.";
            s.ResponseExamples[200] = Appointment.Example;
            s.Responses[404] = "No appointment with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var appointment = await PhiAccessLog.ReadOneAsync<Appointment>(db, HttpContext, User.PracticeId(), Data.Read, req.Id, "appointment", "patient_id", ct)
            ?? throw ApiException.NotFound("appointment");
        Versions.SetETag(HttpContext.Response, appointment.Version);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(appointment, ct);
    }
}
