using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Prescriptions.Discontinue;

public sealed record Request
{
    public Guid Id { get; init; }
    public string? Reason { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500);
}
