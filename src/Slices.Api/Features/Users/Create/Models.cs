using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Users.Create;

public sealed record Request(string Name, string Email, string Role, string Password);

public sealed record Response(Guid Id, string Name, string Email, string Role, DateTimeOffset CreatedAt);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Email).NotEmpty().MaximumLength(254).EmailAddress();
        RuleFor(r => r.Role).Must(r => Permission.Roles.Contains(r)).WithMessage("Role must be admin, clinician or staff.");
        RuleFor(r => r.Password).NotEmpty().Length(PasswordHasher.MinLength, PasswordHasher.MaxLength);
    }
}
