using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Auth.Login;

public sealed class Endpoint(Db db, PasswordHasher hasher, SignIn signIn, SecondFactor secondFactor, AuthOptions options, RateLimitGate limits, RateLimitOptions limitOptions, TimeProvider clock)
    : Endpoint<Request, TokenResponse>
{
    /// <summary>One answer for every failure, so a caller cannot tell an unknown email from a wrong password or a locked account.</summary>
    public const string Refused = "The email or password is incorrect, or the account is locked for a while after too many failed attempts.";

    private enum Outcome { SignedIn, Refused, MfaRequired }

    public override void Configure()
    {
        Post("/auth/login");
        Version(1);
        Options(b => b.WithMetadata(new RateLimited(LimitPolicies.Credentials)));
        AllowAnonymous();
        Description(b => b.Produces<TokenResponse>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sign in with email and password";
            s.Description = "Starts a session and answers a 15-minute access token (send it as Authorization: Bearer) and a refresh token (POST /api/v1/auth/refresh before the access token expires; each refresh token works once). With useCookies the tokens are set as HttpOnly cookies instead, and unsafe requests must echo the __Host-slices_csrf cookie in X-CSRF-Token. After 10 failed attempts in 15 minutes the account is locked for 15 minutes. Accounts with two-factor authentication also send totp (the 6-digit code, or a recovery code).";
            s.ExampleRequest = new Request("amina@harbourclinic.example", "correct horse battery staple");
            s.ResponseExamples[200] = new TokenResponse("eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0...", "rt_AZNdOm8cfD6aGy9OXWx7ig...", "Bearer", 900);
            s.Responses[200] = "Signed in.";
            s.Responses[401] = "Wrong email or password, a locked or disabled account, or a missing or wrong second factor.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // Per account as well as per IP, so guesses spread over many addresses still stop.
        var perAccount = await limits.CheckAsync(LimitPolicies.Of(LimitPolicies.Account, limitOptions), $"account:{req.Email.Trim().ToLowerInvariant()}");
        if (!perAccount.Allowed)
        {
            SlicesRateLimiter.Headers(HttpContext.Response, [perAccount]);
            HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(perAccount.ResetIn.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new Platform.Errors.ApiException(perAccount.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests,
                "Too many sign-in attempts for this account. Retry after the number of seconds in Retry-After.");
        }

        var account = await db.ReadAsync(c => Data.FindAccountAsync(c, req.Email.Trim(), ct), ct);
        if (account is null)
        {
            hasher.VerifyDecoy(req.Password);
            await RefuseAsync(ct);
            return;
        }

        var candidate = await db.InTenantAsync(account.PracticeId, (c, tx) => Data.ReadCandidateAsync(c, tx, account.UserId, ct), ct);
        var passwordMatches = candidate is not null && hasher.Verify(req.Password, candidate.PasswordHash);

        var sessionId = Ids.NewV7();
        TokenResponse? tokens = null;
        var outcome = await db.InTenantAsync(account.PracticeId, async (c, tx) =>
        {
            var user = await Data.LockCandidateAsync(c, tx, account.UserId, ct);
            var now = clock.GetUtcNow();
            var actor = Actor.User(account.UserId, HttpContext);
            var stream = $"user/{account.UserId}";
            string? reason = user switch
            {
                null => "unknown",
                { LockedUntil: { } until } when until > now => "locked",
                _ when !passwordMatches => "password",
                { DisabledAt: not null } => "disabled",
                _ => null,
            };
            if (reason is not null)
            {
                if (reason == "password") await CountFailureAsync(c, tx, account.UserId, user!, now, ct);
                await EventStore.AppendAsync(c, tx, actor, new NewEvent(stream, "login.failed", new { reason }), ct);
                return Outcome.Refused;
            }
            if (user!.TotpSecret is { } secret)
            {
                if (string.IsNullOrEmpty(req.Totp)) return Outcome.MfaRequired;
                if (!await secondFactor.VerifyAndSpendAsync(c, tx, account.PracticeId, account.UserId, secret, req.Totp, ct))
                {
                    await EventStore.AppendAsync(c, tx, actor, new NewEvent(stream, "login.failed", new { reason = "second_factor" }), ct);
                    return Outcome.Refused;
                }
            }

            await Data.RecordSuccessAsync(c, tx, account.UserId, ct);
            var expires = signIn.NewSessionExpiry();
            await Data.InsertSessionAsync(c, tx, sessionId, account.UserId, expires, HttpContext.Connection.RemoteIpAddress?.ToString(), HttpContext.Request.Headers.UserAgent.ToString(), ct);
            await EventStore.AppendAsync(c, tx, actor, new NewEvent(stream, "login.succeeded", new { sessionId }), ct);
            tokens = await signIn.IssueAsync(c, tx, HttpContext.Response, req.UseCookies, account.PracticeId, account.UserId, sessionId, expires, ct);
            return Outcome.SignedIn;
        }, ct);

        switch (outcome)
        {
            case Outcome.SignedIn:
                await Send.OkAsync(tokens!, ct);
                break;
            case Outcome.MfaRequired:
                AddError(r => r.Totp!, "This account uses two-factor authentication: send the code from the authenticator app, or a recovery code.");
                await Send.ErrorsAsync(401, ct);
                break;
            default:
                await RefuseAsync(ct);
                break;
        }
    }

    private async Task CountFailureAsync(Npgsql.NpgsqlConnection c, Npgsql.NpgsqlTransaction tx, Guid userId, Candidate user, DateTimeOffset now, CancellationToken ct)
    {
        var window = TimeSpan.FromMinutes(options.LockoutWindowMinutes);
        var fresh = user.FailedWindowStartedAt is null || now - user.FailedWindowStartedAt > window;
        var failures = fresh ? 1 : user.FailedLogins + 1;
        var lockedUntil = failures >= options.LockoutThreshold ? now + window : (DateTimeOffset?)null;
        await Data.RecordFailureAsync(c, tx, userId, failures, fresh ? now : user.FailedWindowStartedAt!.Value, lockedUntil, ct);
    }

    private Task RefuseAsync(CancellationToken ct)
    {
        AddError(Refused);
        return Send.ErrorsAsync(401, ct);
    }
}
