using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Auth.ConfirmTotp;

public sealed record Request(string Code);

/// <summary>Shown once: each code signs in once when the authenticator is lost.</summary>
public sealed record Response(IReadOnlyList<string> RecoveryCodes);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Code).NotEmpty().Matches("^[0-9]{6}$").WithMessage("The code is the 6 digits the authenticator app shows.");
}
