using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Clinicians.Availability;

public sealed record Request
{
    public Guid Id { get; init; }
    [QueryParam] public DateTimeOffset? From { get; init; }
    [QueryParam] public DateTimeOffset? To { get; init; }

    /// <summary>Minutes.</summary>
    [QueryParam] public int Duration { get; init; } = 30;
}

public sealed record Slot(DateTimeOffset StartsAt, DateTimeOffset EndsAt);

public sealed record Response(Guid ClinicianId, string TimeZone, int Duration, IReadOnlyList<Slot> Slots);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.From).NotNull();
        RuleFor(r => r.To).NotNull().GreaterThan(r => r.From).WithMessage("to must be after from.");
        RuleFor(r => r).Must(r => r.To - r.From <= TimeSpan.FromDays(31)).WithName("to").WithMessage("Ask for at most 31 days at a time.");
        RuleFor(r => r.Duration).InclusiveBetween(5, 480);
    }
}

public sealed record Busy(DateTimeOffset StartsAt, DateTimeOffset EndsAt);
