using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Patients.Update;

/// <summary>Only the fields sent change. Send the ETag of your last read as If-Match.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? GivenName { get; init; }
    public string? FamilyName { get; init; }
    public DateOnly? DateOfBirth { get; init; }
    public string? Sex { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Mrn { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.GivenName).Name().When(r => r.GivenName is not null);
        RuleFor(r => r.FamilyName).Name().When(r => r.FamilyName is not null);
        RuleFor(r => r.DateOfBirth).BirthDate();
        RuleFor(r => r.Sex).Sex();
        RuleFor(r => r.Phone).Phone();
        RuleFor(r => r.Email).Email();
        RuleFor(r => r.Mrn).Mrn();
    }
}
