using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.ApiKeys.Create;

public sealed record Request(string Name, IReadOnlyList<string> Scopes);

/// <summary>Key is shown this once: only its hash is kept.</summary>
public sealed record Response(Guid Id, string Name, IReadOnlyList<string> Scopes, string Key, DateTimeOffset CreatedAt);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Scopes).NotEmpty().Must(s => s.Count <= 20 && s.Distinct().Count() == s.Count).WithMessage("Scopes must be distinct.");
        RuleForEach(r => r.Scopes).Must(s => Permission.ApiKeyScopes.Contains(s))
            .WithMessage($"Unknown scope. Valid scopes: {string.Join(", ", Permission.ApiKeyScopes.Order())}.");
    }
}
