using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Appointments.List;

public sealed class Endpoint(Db db, TwoLevelCache cache) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/appointments");
        Options(b => b.LooksUpCache("appointment"));
        Version(1);
        Permissions(Permission.AppointmentsRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List appointments";
            s.Description = "In time order, filtered by clinician, patient, status and a start-time window [from, to): a clinician's day is clinicianId with from and to. A page at a time: pass nextCursor as cursor. Recorded in the PHI access log.";
            s.ResponseExamples[200] = new Response([Appointment.Example], null);
            s.Responses[400] = "An unknown status, to before from, limit outside 1-200, or a cursor this API did not issue.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Cursor.TryDecode(req.Cursor, out (DateTimeOffset At, Guid Id) after);
        var (rows, outcome) = await Data.PageAsync(db, cache, HttpContext, User.PracticeId(), req, after, ct);
        var items = rows.Take(req.Limit).ToList();
        HttpContext.Response.Headers.CacheControl = "no-store";
        HttpContext.Response.SetCacheStatus(outcome);
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].StartsAt, items[^1].Id) : null), ct);
    }
}
