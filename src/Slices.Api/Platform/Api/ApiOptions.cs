using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Api;

public sealed class ApiOptions : Settings
{
    public const string Section = "Api";

    /// <summary>Endpoint versions being retired, announced to callers in headers and in the OpenAPI documents.</summary>
    public List<Deprecation> Deprecations { get; set; } = [];

    public Deprecation? Find(string method, string route) =>
        Deprecations.FirstOrDefault(d => d.Method == method && string.Equals(d.Route, route.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    protected override IEnumerable<string> Check()
    {
        for (var i = 0; i < Deprecations.Count; i++)
        {
            var d = Deprecations[i];
            var key = $"Api:Deprecations:{i}";
            if (d.Method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE") || !d.Route.StartsWith("/api/", StringComparison.Ordinal))
                yield return SettingName.Problem($"{key}:Endpoint", "must be a method and route, for example \"GET /api/v1/info\"");
            if (d.Since is null) yield return SettingName.Problem($"{key}:Since", "required: the date the deprecation was announced");
            if (d.Sunset is not null && d.Since is not null && d.Sunset <= d.Since) yield return SettingName.Problem($"{key}:Sunset", "must be after Since");
        }
    }
}
