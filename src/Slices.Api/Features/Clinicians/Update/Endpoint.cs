using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Clinicians.Update;

public sealed class Endpoint(Db db) : Endpoint<Request, Clinician>
{
    public override void Configure()
    {
        Patch("/clinicians/{id}");
        Version(1);
        Permissions(Permission.CliniciansManage);
        Description(b => b.Produces<Clinician>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(412).ProducesProblemDetails(428), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a clinician, their working hours or whether they take bookings";
            s.Description = "Changes the fields sent. workingHours replaces the whole week; appointments already booked stay. If-Match must carry the ETag of your last read (428 without, 412 when stale).";
            s.ExampleRequest = new Request { Id = Clinician.Example.Id, WorkingHours = [new WorkingHours(3, new TimeOnly(8, 0), new TimeOnly(12, 0))] };
            s.ResponseExamples[200] = Clinician.Example with { Version = 2 };
            s.Responses[404] = "No clinician with this id in your practice.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var expected = Versions.Expected(HttpContext.Request);
        var clinician = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("clinician");
            if (current.Version != expected) throw Versions.Stale();
            var saved = await Data.SaveAsync(c, tx, current with
            {
                Name = req.Name ?? current.Name,
                Specialty = req.Specialty ?? current.Specialty,
                TimeZone = req.TimeZone ?? current.TimeZone,
                Active = req.Active ?? current.Active,
            }, ct);
            if (req.WorkingHours is not null) await HoursData.SetAsync(c, tx, req.Id, req.WorkingHours, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"clinician/{req.Id}", "clinician.updated",
                new { req.Name, req.Specialty, req.TimeZone, req.Active, req.WorkingHours }), ct);
            return saved.With((await HoursData.OfAsync(c, tx, [req.Id], ct))[req.Id]);
        }, ct);
        Versions.SetETag(HttpContext.Response, clinician.Version);
        await Send.OkAsync(clinician, ct);
    }
}
