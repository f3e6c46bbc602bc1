using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Clinicians.List;

public sealed record Request
{
    [QueryParam] public bool IncludeInactive { get; init; }
}

public sealed record Response(IReadOnlyList<Clinician> Items);

public sealed class Endpoint(Db db) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/clinicians");
        Version(1);
        Permissions(Permission.AppointmentsRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List the practice's clinicians";
            s.Description = "By name, with their weekly working hours. Inactive clinicians only with includeInactive=true.";
            s.ResponseExamples[200] = new Response([Clinician.Example]);
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var clinicians = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var rows = await Data.AllAsync(c, tx, req.IncludeInactive, ct);
            var hours = await HoursData.OfAsync(c, tx, [.. rows.Select(r => r.Id)], ct);
            return rows.Select(r => r.With(hours[r.Id])).ToList();
        }, ct);
        await Send.OkAsync(new Response(clinicians), ct);
    }
}
