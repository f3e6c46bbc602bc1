using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Users.Update;

/// <summary>Only the fields sent change.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? Role { get; init; }
    public bool? Disabled { get; init; }
}

public sealed record Response(Guid Id, string Name, string Email, string Role, bool Disabled);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Role).Must(r => r is null || Permission.Roles.Contains(r)).WithMessage("Role must be admin, clinician or staff.");
        RuleFor(r => r).Must(r => r.Role is not null || r.Disabled is not null).WithName("request").WithMessage("Send role, disabled, or both.");
    }
}

public sealed record Row(Guid Id, string Name, string Email, string Role, bool Disabled, int Version);
