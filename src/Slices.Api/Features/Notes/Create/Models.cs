using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Notes.Create;

/// <summary>AmendsNoteId: write an addendum to that signed note.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string Body { get; init; } = "";
    public Guid? AmendsNoteId { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Body).NotEmpty().MaximumLength(Note.MaxBody);
}
