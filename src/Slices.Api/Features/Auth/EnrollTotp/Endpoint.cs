using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Auth.EnrollTotp;

/// <summary>Secret is base32 for typing in; OtpauthUri is for a QR code.</summary>
public sealed record Response(string Secret, string OtpauthUri);

public sealed class Endpoint(Db db, SecondFactor secondFactor) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Post("/auth/mfa/totp");
        Version(1);
        Options(b => b.WithMetadata(new RateLimited(LimitPolicies.Credentials)));
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Start two-factor enrolment";
            s.Description = "Makes a new TOTP secret for the signed-in user. Add it to an authenticator app (scan otpauthUri as a QR code), then send a code to POST /api/v1/auth/mfa/totp/confirm. Until confirmed, sign-in does not ask for codes.";
            s.ResponseExamples[200] = new Response("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "otpauth://totp/Slices:amina%40harbourclinic.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Slices");
            s.Responses[409] = "Two-factor authentication is already on for this user.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (User.SessionId() is null) throw ApiException.NotAUser();
        var (practiceId, userId) = (User.PracticeId(), User.SubjectId());
        var (secret, ciphertext) = secondFactor.NewSecret(practiceId, userId);
        var email = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var user = await Data.LockUserAsync(c, tx, userId, ct);
            if (user.Enrolled) throw ApiException.Conflict("Two-factor authentication is already on for this user.");
            await Data.SavePendingAsync(c, tx, userId, ciphertext, ct);
            return user.Email;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(secret, $"otpauth://totp/Slices:{Uri.EscapeDataString(email)}?secret={secret}&issuer=Slices"), ct);
    }
}
