using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Appointments.List;

public sealed record Request
{
    [QueryParam] public Guid? ClinicianId { get; init; }
    [QueryParam] public Guid? PatientId { get; init; }
    [QueryParam] public DateTimeOffset? From { get; init; }
    [QueryParam] public DateTimeOffset? To { get; init; }
    [QueryParam] public string? Status { get; init; }
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Response(IReadOnlyList<Appointment> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    private static readonly string[] Statuses = ["scheduled", "checked_in", "completed", "cancelled", "no_show"];

    public Validator()
    {
        RuleFor(r => r.Status).Must(s => s is null || Statuses.Contains(s)).WithMessage("status is scheduled, checked_in, completed, cancelled or no_show.");
        RuleFor(r => r.To).GreaterThan(r => r.From).When(r => r.From is not null && r.To is not null).WithMessage("to must be after from.");
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out (DateTimeOffset, Guid) _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}
