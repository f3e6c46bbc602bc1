using FastEndpoints;

namespace Slices.Api.Features.Calendar.Callback;

/// <summary>What the provider sends back: a code and our state, or an error (such as access_denied) and our state.</summary>
public sealed record Request
{
    [QueryParam] public string? Code { get; init; }
    [QueryParam] public string? State { get; init; }
    [QueryParam] public string? Error { get; init; }
}
