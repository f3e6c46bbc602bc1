using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Webhooks.Create;

public sealed record Request(string Url, IReadOnlyList<string> Events, string? Description);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Url).NotEmpty().MaximumLength(2000).Must(u => Uri.TryCreate(u, UriKind.Absolute, out _)).WithMessage("url must be an absolute https URL.");
        RuleFor(r => r.Events).NotEmpty().Must(e => e.Count <= 50 && e.Distinct().Count() == e.Count).WithMessage("events must be 1 to 50 distinct event types.");
        RuleForEach(r => r.Events).Must(WebhookEvents.IsKnown).WithMessage($"Unknown event type. Known types: {string.Join(", ", WebhookEvents.All)}.");
        RuleFor(r => r.Description).MaximumLength(500);
    }
}
