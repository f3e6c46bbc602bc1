using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Clinicians.Update;

/// <summary>Only the fields sent change; workingHours, when sent, replaces the whole week.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? Name { get; init; }
    public string? Specialty { get; init; }
    public string? TimeZone { get; init; }
    public bool? Active { get; init; }
    public IReadOnlyList<WorkingHours>? WorkingHours { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200).When(r => r.Name is not null);
        RuleFor(r => r.Specialty).MaximumLength(100);
        RuleFor(r => r.TimeZone).TimeZone().When(r => r.TimeZone is not null);
        RuleFor(r => r.WorkingHours).Hours();
    }
}
