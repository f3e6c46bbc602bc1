using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Clinicians.AddTimeOff;

public sealed record Request
{
    public Guid Id { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public string? Reason { get; init; }
}

public sealed record Response(Guid Id, Guid ClinicianId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Reason);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.StartsAt).NotNull();
        RuleFor(r => r.EndsAt).NotNull().GreaterThan(r => r.StartsAt).WithMessage("endsAt must be after startsAt.");
        RuleFor(r => r).Must(r => r.EndsAt - r.StartsAt <= TimeSpan.FromDays(366)).WithName("endsAt").WithMessage("Time off is at most a year at a time.");
        RuleFor(r => r.Reason).MaximumLength(200);
    }
}
