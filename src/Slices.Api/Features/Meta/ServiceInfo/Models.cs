namespace Slices.Api.Features.Meta.ServiceInfo;

public sealed record Response(string Service, string Release, IReadOnlyList<ApiVersion> Versions);

/// <summary>An API version and where its OpenAPI document is.</summary>
public sealed record ApiVersion(string Name, string Document);
