using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// Where a practice requires two-factor authentication for admins and clinicians, such a user who has not enrolled
/// may sign in but do nothing except enrol, look at who they are, and sign out.
/// </summary>
internal sealed class MfaEnrolmentGate(RequestDelegate next)
{
    private static readonly string[] Allowed = ["/api/v1/auth/mfa/totp", "/api/v1/auth/mfa/totp/confirm", "/api/v1/auth/me", "/api/v1/auth/logout"];

    public Task InvokeAsync(HttpContext context) =>
        context.User.HasClaim(SlicesClaims.MfaPending, "true") && !Allowed.Contains(context.Request.Path.Value?.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
            ? Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
                "Your practice requires two-factor authentication for your role. Enrol first: POST /api/v1/auth/mfa/totp, then /api/v1/auth/mfa/totp/confirm.")
            : next(context);
}
