using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Clinicians.Availability;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/clinicians/{id}/availability");
        Version(1);
        Permissions(Permission.AppointmentsRead);
        Options(b => b.CacheResponse("appointment", "clinician", "calendar-connection"));
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Free slots of a clinician";
            s.Description = "Slots of duration minutes within [from, to) (at most 31 days), inside the clinician's working hours in their time zone, that overlap no booked appointment, no time off, and no busy time on the clinician's connected Google or Microsoft calendar.";
            s.ResponseExamples[200] = new Response(Clinician.Example.Id, "Europe/London", 30,
                [new Slot(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.Zero))]);
            s.Responses[404] = "No active clinician with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (from, to) = (req.From!.Value, req.To!.Value);
        var (zone, hours, busy) = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var timeZone = await Data.TimeZoneAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("active clinician");
            return (timeZone, (await HoursData.OfAsync(c, tx, [req.Id], ct))[req.Id].ToList(), await Data.BusyAsync(c, tx, req.Id, from, to, ct));
        }, ct);
        var slots = Slots.Free(TimeZoneInfo.FindSystemTimeZoneById(zone), hours, busy, from, to, TimeSpan.FromMinutes(req.Duration));
        await Send.OkAsync(new Response(req.Id, zone, req.Duration, slots), ct);
    }
}
