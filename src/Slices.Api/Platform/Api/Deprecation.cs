namespace Slices.Api.Platform.Api;

/// <summary>An endpoint version announced as deprecated (RFC 9745) with the date it will be removed (RFC 8594).</summary>
public sealed class Deprecation
{
    /// <summary>Method and route as in the OpenAPI document, for example "GET /api/v1/info".</summary>
    public string Endpoint { get; set; } = "";
    public DateTimeOffset? Since { get; set; }
    public DateTimeOffset? Sunset { get; set; }

    /// <summary>Where integrators read what to move to.</summary>
    public Uri? Link { get; set; }

    public string Method => Endpoint.Split(' ', 2)[0].ToUpperInvariant();
    public string Route => Endpoint.Split(' ', 2) is [_, var route] ? route.Trim().TrimEnd('/') : "";
}
