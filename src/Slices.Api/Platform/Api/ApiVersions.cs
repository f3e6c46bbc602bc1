namespace Slices.Api.Platform.Api;

/// <summary>The API versions that have an OpenAPI document. Add a number here when the first endpoint of a new version lands.</summary>
public static class ApiVersions
{
    public static readonly IReadOnlyList<int> All = [1];
}
