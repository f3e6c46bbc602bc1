using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Patients.Search;

public sealed class Endpoint(Db db, TwoLevelCache cache) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/patients");
        Options(b => b.LooksUpCache("patient"));
        Version(1);
        Permissions(Permission.PatientsRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Find patients";
            s.Description = "Without q, every patient; with q, those whose family or given name starts with it (any case), or whose date of birth (YYYY-MM-DD), medical record number, phone (E.164) or email is exactly q. Name matches come in name order (by the name that matched, the family name when both do); the others in the order they were registered. Archived patients only with includeArchived=true. A page at a time: pass nextCursor as cursor. Every patient returned is recorded in the PHI access log.";
            s.ResponseExamples[200] = new Response([Patient.Example], "ZzowMTkzNWQ0MDFhMmI3YzNkOGU0ZjUwNjE3MjgzOTRhNQ");
            s.Responses[400] = "q over 100 characters, limit outside 1-200, or a cursor this API did not issue.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        Cursor.TryDecode(req.Cursor, out Guid after);
        var (rows, outcome) = await Data.PageAsync(db, cache, HttpContext, User.PracticeId(), req, after, ct);
        var items = rows.Take(req.Limit).ToList();
        HttpContext.Response.Headers.CacheControl = "no-store";
        HttpContext.Response.SetCacheStatus(outcome);
        await Send.OkAsync(new Response(items, rows.Count > req.Limit ? Cursor.Encode(items[^1].Id) : null), ct);
    }
}
