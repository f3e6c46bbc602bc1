using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Audit.Verify;

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/audit/verify");
        Version(1);
        Permissions(Permission.AuditRead);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Check that the audit trail is intact";
            s.Description = "Recomputes the hash chain of the practice's events. valid is false when any event was altered, removed or inserted out of order since it was written, and firstBroken names the first link that does not hold.";
            s.ResponseExamples[200] = new Response(false, 1204, new BrokenLink(311, Guid.Parse("01935d3d-2b3c-7d4e-8f50-61728394a5b6"), "altered"));
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var (broken, count) = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
            (await Data.FirstBrokenAsync(c, tx, ct), await Data.CountAsync(c, tx, ct)), ct);

        var first = broken is null ? null : new BrokenLink(broken.Seq, broken.Id, !broken.HashHolds ? "altered" : "chain_broken");
        var valid = first is null && count.HeadHolds;
        await Send.OkAsync(new Response(valid, count.Events, first), ct);
    }
}
