using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Auth.Login;

/// <summary>Set useCookies for browser apps: the tokens then come as HttpOnly cookies, not in the body.</summary>
public sealed record Request(string Email, string Password, string? Totp = null, bool UseCookies = false);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Email).NotEmpty().MaximumLength(254);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(PasswordHasher.MaxLength);
        RuleFor(r => r.Totp).MaximumLength(32);
    }
}

public sealed record Account(Guid PracticeId, Guid UserId);

public sealed record Candidate(string PasswordHash, DateTimeOffset? LockedUntil, DateTimeOffset? DisabledAt, int FailedLogins, DateTimeOffset? FailedWindowStartedAt, string? TotpSecret);
