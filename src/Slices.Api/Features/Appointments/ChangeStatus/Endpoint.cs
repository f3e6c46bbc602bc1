using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Appointments.ChangeStatus;

public sealed class Endpoint(Db db) : Endpoint<Request, Appointment>
{
    public override void Configure()
    {
        Post([.. Transitions.ByAction.Keys.Select(action => $"/appointments/{{id}}/{action}")]);
        Version(1);
        Permissions(Permission.AppointmentsWrite);
        Description(b => b.Produces<Appointment>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(412), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Move an appointment through its day: check-in, complete, no-show or cancel";
            s.Description = "scheduled -> checked_in (check-in) -> completed (complete); scheduled -> no_show (no-show); scheduled or checked_in -> cancelled (cancel, with an optional reason; frees the slot). Any other move is 409. If-Match is honoured when sent (412 when stale).";
            s.ExampleRequest = new Request { Id = Appointment.Example.Id, Reason = "Patient unwell" };
            s.ResponseExamples[200] = Appointment.Example with { Status = "cancelled", CancelReason = "Patient unwell", Version = 2 };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var route = ((RouteEndpoint)HttpContext.GetEndpoint()!).RoutePattern.RawText!;
        var action = route[(route.LastIndexOf('/') + 1)..];
        var (from, to, type) = Transitions.ByAction[action];
        int? expected = HttpContext.Request.Headers.IfMatch.Count > 0 ? Versions.Expected(HttpContext.Request) : null;
        var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("appointment");
            if (expected is not null && current.Version != expected) throw Versions.Stale();
            if (!from.Contains(current.Status)) throw ApiException.Conflict($"A {current.Status} appointment cannot {action}.");
            var reason = action == "cancel" ? req.Reason : null;
            var updated = await Data.SaveAsync(c, tx, req.Id, to, reason, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"appointment/{req.Id}", type, new { from = current.Status, to, reason }), ct);
            return updated;
        }, ct);
        Versions.SetETag(HttpContext.Response, saved.Version);
        await Send.OkAsync(saved, ct);
    }
}
