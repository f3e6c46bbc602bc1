using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Appointments.Reschedule;

/// <summary>A new time, a new reason, or both. Send the ETag of your last read as If-Match.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public string? Reason { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r).Must(r => (r.StartsAt is null) == (r.EndsAt is null)).WithName("endsAt").WithMessage("Send startsAt and endsAt together.");
        RuleFor(r => r.EndsAt).GreaterThan(r => r.StartsAt).When(r => r.StartsAt is not null).WithMessage("endsAt must be after startsAt.");
        RuleFor(r => r).Must(r => r.StartsAt is null || r.EndsAt - r.StartsAt <= TimeSpan.FromHours(8)).WithName("endsAt").WithMessage("An appointment lasts at most 8 hours.");
        RuleFor(r => r.Reason).MaximumLength(500);
    }
}
