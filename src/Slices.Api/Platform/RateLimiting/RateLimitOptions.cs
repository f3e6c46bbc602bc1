using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>The default limit per client; each environment's appsettings sets its own.</summary>
public sealed class RateLimitOptions : Settings
{
    public const string Section = "RateLimiting";

    public int PermitLimit { get; set; } = 100;
    public int WindowSeconds { get; set; } = 60;

    protected override IEnumerable<string> Check()
    {
        if (PermitLimit is < 1 or > 1_000_000) yield return SettingName.Problem("RateLimiting:PermitLimit", "must be between 1 and 1000000");
        if (WindowSeconds is < 1 or > 86_400) yield return SettingName.Problem("RateLimiting:WindowSeconds", "must be between 1 and 86400");
    }
}
