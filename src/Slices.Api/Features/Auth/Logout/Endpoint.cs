using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Auth.Logout;

public sealed class Endpoint(Db db, Sessions sessions, TimeProvider clock) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Post("/auth/logout");
        Version(1);
        Description(b => b.Produces(204).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sign out";
            s.Description = "Ends the session of the access token (or cookie) used: its access and refresh tokens stop working at once, on every instance. Clears the browser-mode cookies.";
            s.Responses[204] = "Signed out.";
            s.Responses[401] = "Not signed in, or the session had already ended.";
            s.Responses[403] = "An API key cannot sign out; revoke it instead. Or a cookie request without X-CSRF-Token.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (User.SessionId() is not { } sessionId) throw ApiException.NotAUser();
        var practiceId = User.PracticeId();
        var ended = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var revoked = await SessionData.RevokeAsync(c, tx, sessionId, "logout", clock.GetUtcNow(), ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"user/{User.SubjectId()}", "session.logout", new { sessionId }), ct);
            return revoked;
        }, ct);
        await sessions.ForgetAsync(practiceId, ended);
        AuthCookies.Clear(HttpContext.Response);
        await Send.NoContentAsync(ct);
    }
}
