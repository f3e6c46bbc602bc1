using FastEndpoints;
using FluentValidation;
using Slices.Api.Features.Calendar.Providers;

namespace Slices.Api.Features.Calendar.Connect;

/// <summary>Provider: google or microsoft. RedirectUri: where the browser returns when it is done, on one of the practice's allowed origins; without it the callback answers JSON.</summary>
public sealed record Request(string Provider, string? RedirectUri = null);

/// <summary>Send the clinician's browser to AuthorizationUrl before ExpiresAt.</summary>
public sealed record Response(string AuthorizationUrl, DateTimeOffset ExpiresAt);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Provider).Must(p => CalendarProviders.Names.Contains(p)).WithMessage("provider is google or microsoft.");
        RuleFor(r => r.RedirectUri).MaximumLength(2000)
            .Must(u => u is null || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Fragment.Length == 0))
            .WithMessage("redirectUri is an absolute http(s) URL without a fragment.");
    }
}
