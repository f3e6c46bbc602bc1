using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Users.Update;

public sealed class Endpoint(Db db, Sessions sessions, TimeProvider clock) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Patch("/users/{id}");
        Version(1);
        Permissions(Permission.UsersManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a user's role, or disable or enable them";
            s.Description = "A new role applies to the user's very next request. Disabling ends all their sessions at once, on every instance. Admins cannot demote or disable themselves (another admin must), so a practice never loses its last admin by accident.";
            s.ExampleRequest = new Request { Id = Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), Disabled = true };
            s.ResponseExamples[200] = new Response(Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), "Dr Lucas Meyer", "lucas@harbourclinic.example", "clinician", true);
            s.Responses[404] = "No user with this id in your practice.";
            s.Responses[409] = "An admin tried to demote or disable themselves.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (req.Id == User.SubjectId() && (req.Disabled == true || req.Role is not null and not "admin"))
            throw ApiException.Conflict("You cannot demote or disable yourself; ask another admin.");

        var (saved, ended) = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var user = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("user");
            var role = req.Role ?? user.Role;
            var disabled = req.Disabled ?? user.Disabled;
            await Data.SaveAsync(c, tx, req.Id, role, disabled, ct);

            var actor = Actor.Of(HttpContext);
            var stream = $"user/{req.Id}";
            if (role != user.Role) await EventStore.AppendAsync(c, tx, actor, new NewEvent(stream, "user.changed", new { role = new { from = user.Role, to = role } }), ct);
            if (disabled != user.Disabled) await EventStore.AppendAsync(c, tx, actor, new NewEvent(stream, disabled ? "user.disabled" : "user.enabled", new { }), ct);

            IReadOnlyList<Guid> revoked = disabled && !user.Disabled
                ? await SessionData.RevokeAllOfUserAsync(c, tx, req.Id, "user_disabled", clock.GetUtcNow(), ct)
                : [];
            return (user with { Role = role, Disabled = disabled }, revoked);
        }, ct);

        // Cached sessions carry the role: drop them so the change holds on the next request everywhere.
        await sessions.ForgetAsync(User.PracticeId(), ended);
        if (req.Role is not null) await sessions.ForgetUserAsync(User.PracticeId(), req.Id, ct);
        await Send.OkAsync(new Response(saved.Id, saved.Name, saved.Email, saved.Role, saved.Disabled), ct);
    }
}
