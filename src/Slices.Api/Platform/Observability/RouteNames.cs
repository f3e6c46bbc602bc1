using System.Runtime.CompilerServices;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// A route's names for logs and spans, made once per endpoint instead of on every request: its template
/// (<c>/api/v1/patients/{id}</c>) and, for its own method, the slice (<c>GET /api/v1/patients/{id}</c>).
/// </summary>
internal sealed class RouteNames
{
    private static readonly ConditionalWeakTable<RouteEndpoint, RouteNames> Made = new();

    private readonly string? _method;
    private readonly string? _slice;

    private RouteNames(RouteEndpoint route)
    {
        Template = "/" + route.RoutePattern.RawText?.TrimStart('/');
        if (route.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is [var only]) (_method, _slice) = (only, $"{only} {Template}");
    }

    public string Template { get; }

    public string Slice(string method) => method == _method ? _slice! : $"{method} {Template}";

    public static RouteNames Of(RouteEndpoint route) => Made.GetValue(route, static r => new RouteNames(r));
}
