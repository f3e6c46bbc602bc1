using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Patients.Search;

/// <summary>q: the start of a family or given name, a date of birth (YYYY-MM-DD), a medical record number, an E.164 phone number or an email.</summary>
public sealed record Request
{
    [QueryParam] public string? Q { get; init; }
    [QueryParam] public bool IncludeArchived { get; init; }
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Response(IReadOnlyList<Patient> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Q).MaximumLength(100);
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out Guid _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}
