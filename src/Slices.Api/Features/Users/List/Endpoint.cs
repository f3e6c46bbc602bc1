using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Users.List;

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/users");
        Version(1);
        Permissions(Permission.UsersManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List the practice's users";
            s.Description = "Oldest first, a page at a time: pass nextCursor as cursor for the next page; it is null on the last page.";
            s.ResponseExamples[200] = new Response([new Item(Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), "Dr Lucas Meyer", "lucas@harbourclinic.example", "clinician", false, true, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero))], null);
            s.Responses[400] = "limit outside 1-200, or a cursor this API did not issue.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Cursor.TryDecode(req.Cursor, out Guid after);
        var rows = await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.PageAsync(c, tx, after, req.Limit + 1, ct), ct);
        var items = rows.Take(req.Limit).ToList();
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].Id) : null), ct);
    }
}
