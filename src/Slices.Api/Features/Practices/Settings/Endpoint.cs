using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Practices.Settings;

public sealed class Endpoint(Db db, Sessions sessions) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("/practice");
        Version(1);
        Permissions(Permission.PracticeManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change the practice's security settings";
            s.Description = "requireMfa: admins and clinicians must use two-factor authentication. One who has not enrolled can, from their next request, only enrol (POST /api/v1/auth/mfa/totp), see /auth/me and sign out.";
            s.ExampleRequest = new Request(true);
            s.ResponseExamples[200] = new Response(Guid.Parse("01935d3a-6f1c-7c3e-9a1b-2f4e5d6c7b8a"), "Harbour Family Clinic", true);
            s.Responses[403] = "Only admins change practice settings (permission practice:manage).";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var practiceId = User.PracticeId();
        var (saved, live) = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var before = await Data.LockAsync(c, tx, ct);
            var requireMfa = req.RequireMfa!.Value;
            if (before.RequireMfa == requireMfa) return (before, (IReadOnlyList<Guid>)[]);
            await Data.UpdateAsync(c, tx, requireMfa, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"practice/{practiceId}", "practice.changed", new { requireMfa }), ct);
            return (before with { RequireMfa = requireMfa }, await SessionData.ActiveIdsAsync(c, tx, ct));
        }, ct);
        // Cached sessions carry whether two-factor is pending: drop them so the rule holds on the next request.
        await sessions.ForgetAsync(practiceId, live);
        await Send.OkAsync(saved, ct);
    }
}
