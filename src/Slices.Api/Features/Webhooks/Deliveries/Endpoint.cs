using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Webhooks.Deliveries;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/webhooks/{id}/deliveries");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "What was sent to an endpoint";
            s.Description = "Its messages, newest first, each with every attempt: when, the status code (none when there was no answer), how long it took, and what went wrong. Filter with status=pending|succeeded|failed.";
            s.ResponseExamples[200] = new Response([new Delivery(Guid.Parse("01935d71-1a2b-7c3d-8e4f-5061728394a5"), "msg_01935d601a2b7c3d8e4f5061728394a5", "appointment.scheduled", "pending", 1,
                new DateTimeOffset(2026, 11, 24, 9, 30, 5, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), null,
                [new Attempt(1, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), 503, 84, "the receiver answered 503")])], null);
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Guid? before = Cursor.TryDecode(req.Cursor, out Guid last) && req.Cursor is not null ? last : null;
        var rows = await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.PageAsync(c, tx, req.Id, req.Status, before, req.Limit + 1, ct), ct)
                   ?? throw ApiException.NotFound("webhook endpoint");
        var items = rows.Take(req.Limit).ToList();
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].Id) : null), ct);
    }
}
