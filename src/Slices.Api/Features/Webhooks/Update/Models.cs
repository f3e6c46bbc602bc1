using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Webhooks.Update;

/// <summary>Only what is sent changes. Enabling an endpoint again also sends what was left pending while it was off.</summary>
public sealed record Request
{
    public Guid Id { get; init; }
    public string? Url { get; init; }
    public IReadOnlyList<string>? Events { get; init; }
    public bool? Enabled { get; init; }
    public string? Description { get; init; }
}

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Url!).MaximumLength(2000).Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("url must be an absolute https URL.").When(r => r.Url is not null);
        RuleFor(r => r.Events!).NotEmpty().Must(e => e.Count <= 50 && e.Distinct().Count() == e.Count).WithMessage("events must be 1 to 50 distinct event types.").When(r => r.Events is not null);
        RuleForEach(r => r.Events).Must(WebhookEvents.IsKnown).WithMessage($"Unknown event type. Known types: {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(r => r.Description).MaximumLength(500);
    }
}
