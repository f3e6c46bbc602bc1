using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Appointments.Book;

public sealed record Request(Guid PatientId, Guid ClinicianId, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? Reason = null);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.PatientId).NotEmpty();
        RuleFor(r => r.ClinicianId).NotEmpty();
        RuleFor(r => r.StartsAt).NotNull();
        RuleFor(r => r.EndsAt).NotNull().GreaterThan(r => r.StartsAt).WithMessage("endsAt must be after startsAt.");
        RuleFor(r => r).Must(r => r.EndsAt - r.StartsAt <= TimeSpan.FromHours(8)).WithName("endsAt").WithMessage("An appointment lasts at most 8 hours.");
        RuleFor(r => r.Reason).MaximumLength(500);
    }
}
