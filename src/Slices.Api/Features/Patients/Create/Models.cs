using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Patients.Create;

public sealed record Request(string GivenName, string FamilyName, DateOnly? DateOfBirth, string? Sex = "unknown", string? Phone = null, string? Email = null, string? Mrn = null);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.GivenName).Name();
        RuleFor(r => r.FamilyName).Name();
        RuleFor(r => r.DateOfBirth).NotNull().BirthDate();
        RuleFor(r => r.Sex).NotNull().Sex();
        RuleFor(r => r.Phone).Phone();
        RuleFor(r => r.Email).Email();
        RuleFor(r => r.Mrn).Mrn();
    }
}
