using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Auth.ConfirmTotp;

public sealed class Endpoint(Db db, SecondFactor secondFactor, Sessions sessions) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/auth/mfa/totp/confirm");
        Version(1);
        Options(b => b.WithMetadata(new RateLimited(LimitPolicies.Credentials)));
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Turn on two-factor authentication";
            s.Description = "Checks a code from the authenticator app against the secret from POST /api/v1/auth/mfa/totp. From now on sign-in needs a code. The answer holds 10 single-use recovery codes, shown only this once.";
            s.ExampleRequest = new Request("492039");
            s.ResponseExamples[200] = new Response(["k3m9x2pq-7hv4nd2w", "b8c2j5rt-q1zx6ym4"]);
            s.Responses[400] = "The code is wrong or not 6 digits.";
            s.Responses[409] = "There is no enrolment to confirm: start one with POST /api/v1/auth/mfa/totp.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (User.SessionId() is null) throw ApiException.NotAUser();
        var (practiceId, userId) = (User.PracticeId(), User.SubjectId());
        var codes = SecondFactor.NewRecoveryCodes();
        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var secret = await Data.LockPendingSecretAsync(c, tx, userId, ct)
                ?? throw ApiException.Conflict("There is no two-factor enrolment to confirm: start one with POST /api/v1/auth/mfa/totp.");
            if (!secondFactor.Matches(secret, practiceId, userId, req.Code, out var step))
                throw new ApiException(StatusCodes.Status400BadRequest, "The code does not match. Check the authenticator app's clock and try the current code.");
            await Data.ConfirmAsync(c, tx, userId, step, ct);
            await Data.InsertCodesAsync(c, tx, userId, codes.Select(SecondFactor.RecoveryCodeHash), ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"user/{userId}", "mfa.enrolled", new { method = "totp" }), ct);
            return 0;
        }, ct);
        await sessions.ForgetUserAsync(practiceId, userId, ct); // a pending-enrolment restriction ends now
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(codes), ct);
    }
}
