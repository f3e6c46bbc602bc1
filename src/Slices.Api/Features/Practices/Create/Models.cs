using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Practices.Create;

public sealed record Request(string PracticeName, string AdminName, string AdminEmail, string AdminPassword);

public sealed record Response(Guid PracticeId, Guid UserId);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.PracticeName).NotEmpty().MaximumLength(200);
        RuleFor(r => r.AdminName).NotEmpty().MaximumLength(200);
        RuleFor(r => r.AdminEmail).NotEmpty().MaximumLength(254).EmailAddress();
        RuleFor(r => r.AdminPassword).NotEmpty().Length(PasswordHasher.MinLength, PasswordHasher.MaxLength);
    }
}
