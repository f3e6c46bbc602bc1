using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Audit.PhiAccess;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/audit/access");
        Version(1);
        Permissions(Permission.AuditRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Who looked at this patient";
            s.Description = "Every read of the patient's PHI (their record, a search that returned them, their history), newest first: who (user or API key), what, when, from which address, and the request id.";
            s.ResponseExamples[200] = new Response([new Item(311, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), "user", Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"),
                "read", "patient", [Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5")], "01935d41-0000-7000-8000-000000000001", "203.0.113.7")], null);
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Cursor.TryDecode(req.Cursor, out long before);
        var rows = await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.PageAsync(c, tx, req.PatientId!.Value, before, req.Limit + 1, ct), ct);
        var items = rows.Take(req.Limit).ToList();
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].Id) : null), ct);
    }
}
