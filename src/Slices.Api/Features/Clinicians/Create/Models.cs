using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Clinicians.Create;

/// <summary>UserId links the clinician to their user account (role clinician), so they can sign their own notes and prescriptions.</summary>
public sealed record Request(string Name, string TimeZone, IReadOnlyList<WorkingHours>? WorkingHours, string? Specialty = null, Guid? UserId = null);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Specialty).MaximumLength(100);
        RuleFor(r => r.TimeZone).TimeZone();
        RuleFor(r => r.WorkingHours).Hours();
    }
}
