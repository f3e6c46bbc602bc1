using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Auth.Refresh;

/// <summary>In browser mode leave refreshToken out: the refresh cookie is used.</summary>
public sealed record Request(string? RefreshToken = null, bool UseCookies = false);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.RefreshToken).MaximumLength(100);
}

public sealed record TokenRow(Guid SessionId, Guid UserId, DateTimeOffset? UsedAt, DateTimeOffset ExpiresAt, DateTimeOffset SessionExpiresAt, DateTimeOffset? RevokedAt);
