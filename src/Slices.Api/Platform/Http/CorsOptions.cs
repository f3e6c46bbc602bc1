using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

/// <summary>The browser origins (the practices' web apps) allowed to call the API with credentials. None by default.</summary>
public sealed class CorsOptions : Settings
{
    public const string Section = "Cors";

    public List<string> AllowedOrigins { get; set; } = [];
    public int PreflightMaxAgeSeconds { get; set; } = 600;

    /// <summary>An origin is a scheme, a host and maybe a port: nothing else, and never a wildcard, since requests carry credentials.</summary>
    public static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && !value.Contains('*', StringComparison.Ordinal)
        && uri.GetLeftPart(UriPartial.Authority).Equals(value.TrimEnd('/'), StringComparison.OrdinalIgnoreCase) && uri.UserInfo.Length == 0;

    protected override IEnumerable<string> Check()
    {
        foreach (var origin in AllowedOrigins.Where(o => !IsOrigin(o)))
            yield return SettingName.Problem("Cors:AllowedOrigins", $"'{origin}' is not an origin like https://app.example.com (no path, no wildcard)");
        if (PreflightMaxAgeSeconds is < 0 or > 86_400) yield return SettingName.Problem("Cors:PreflightMaxAgeSeconds", "must be between 0 and 86400");
    }
}
