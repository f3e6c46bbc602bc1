using System.Text.Json;
using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Audit.ListEvents;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/audit/events");
        Version(1);
        Permissions(Permission.AuditRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Read the audit trail";
            s.Description = "Every change in the practice, newest first: who (user or API key), what (type and changed fields), when, and the request id. Filter by stream (for example user/{id}), type (for example login.failed) and a time range [from, to).";
            s.ResponseExamples[200] = new Response([new Item(42, Guid.Parse("01935d3d-2b3c-7d4e-8f50-61728394a5b6"), "user/01935d3b-0a1b-7c2d-8e3f-405162738495", 3, "user.disabled",
                JsonDocument.Parse("{}").RootElement, new Actor("user", Guid.Parse("01935d3a-6f1d-7a2b-8c3d-4e5f6a7b8c9d")), "01935d3d-2b3c-7d4e-8f50-000000000001", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero))], "czo0Mg");
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Cursor.TryDecode(req.Cursor, out long before);
        var rows = await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.PageAsync(c, tx, req, before, req.Limit + 1, ct), ct);
        var items = rows.Take(req.Limit).Select(r => new Item(r.Seq, r.Id, r.Stream, r.Version, r.Type, JsonDocument.Parse(r.Data).RootElement,
            new Actor(r.ActorType, r.ActorId), r.RequestId, r.OccurredAt)).ToList();
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].Seq) : null), ct);
    }
}
