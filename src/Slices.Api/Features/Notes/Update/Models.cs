using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Notes.Update;

public sealed record Request
{
    public Guid Id { get; init; }
    public string Body { get; init; } = "";
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Body).NotEmpty().MaximumLength(Note.MaxBody);
}
