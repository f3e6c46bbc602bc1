using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Auth.Refresh;

public sealed class Endpoint(Db db, SignIn signIn, Sessions sessions, TimeProvider clock) : Endpoint<Request, TokenResponse>
{
    private const string Invalid = "The refresh token is unknown, used, expired or its session has ended. Sign in again.";

    public override void Configure()
    {
        Post("/auth/refresh");
        Version(1);
        Options(b => b.WithMetadata(new RateLimited(LimitPolicies.Credentials)));
        AllowAnonymous();
        Description(b => b.Produces<TokenResponse>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Trade a refresh token for new tokens";
            s.Description = "Each refresh token works once and is replaced by the new one in the answer. Presenting a token that was already used ends the whole session (someone else may hold a copy), and is recorded in the audit trail.";
            s.ExampleRequest = new Request("rt_AZNdOm8cfD6aGy9OXWx7ig...");
            s.ResponseExamples[200] = new TokenResponse("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0...", "rt_AZNdOnBvXq1fL0w2Zr8kPA...", "Bearer", 900);
            s.Responses[401] = "The token is unknown, used before (the session is now ended), expired, or the session has ended.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var presented = req.RefreshToken ?? HttpContext.Request.Cookies[AuthCookies.Refresh];
        if (!RefreshToken.TryParse(presented, out var practiceId, out var hash))
        {
            await RefuseAsync(ct);
            return;
        }

        TokenResponse? tokens = null;
        var revoked = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var row = await Data.LockTokenAsync(c, tx, hash, ct);
            var now = clock.GetUtcNow();
            if (row is null || row.RevokedAt is not null || row.ExpiresAt <= now || row.SessionExpiresAt <= now) return (IReadOnlyList<Guid>?)null;
            if (row.UsedAt is not null)
            {
                var ended = await SessionData.RevokeAsync(c, tx, row.SessionId, "refresh_token_reuse", now, ct);
                await EventStore.AppendAsync(c, tx, Actor.User(row.UserId, HttpContext),
                    new NewEvent($"user/{row.UserId}", "session.refresh_reuse_detected", new { sessionId = row.SessionId }), ct);
                return ended;
            }
            if (await SessionData.ActiveAsync(c, tx, row.SessionId, ct) is null) return null;

            await Data.SpendAsync(c, tx, hash, ct);
            await SessionData.TouchAsync(c, tx, row.SessionId, now, ct);
            tokens = await signIn.IssueAsync(c, tx, HttpContext.Response, req.UseCookies, practiceId, row.UserId, row.SessionId, row.SessionExpiresAt, ct);
            return [];
        }, ct);

        if (revoked is { Count: > 0 }) await sessions.ForgetAsync(practiceId, revoked);
        if (tokens is null) await RefuseAsync(ct);
        else await Send.OkAsync(tokens, ct);
    }

    private Task RefuseAsync(CancellationToken ct)
    {
        AddError(Invalid);
        return Send.ErrorsAsync(401, ct);
    }
}
