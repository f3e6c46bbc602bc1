using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.ApiKeys.Update;

/// <summary>RateLimit: requests per rate-limit window for this key; null puts it back on the default.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public int? RateLimit { get; init; }
}

public sealed record Response(Guid Id, string Name, int? RateLimit);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.RateLimit).InclusiveBetween(1, 1_000_000);
}
