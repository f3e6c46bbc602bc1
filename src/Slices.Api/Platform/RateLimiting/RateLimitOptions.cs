using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>Request limits per client; each environment's appsettings sets its own.</summary>
public sealed class RateLimitOptions : Settings
{
    public const string Section = "RateLimiting";

    /// <summary>The default policy, for every endpoint: per API key, else per user, else per client IP.</summary>
    public int PermitLimit { get; set; } = 100;
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Sign-in, sign-up, refresh and two-factor endpoints, per client IP.</summary>
    public int CredentialsPermitLimit { get; set; } = 10;
    public int CredentialsWindowSeconds { get; set; } = 60;

    /// <summary>Sign-in attempts per account, whatever IPs they come from.</summary>
    public int AccountPermitLimit { get; set; } = 5;
    public int AccountWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Each instance takes up to this percent of a client's default limit from Redis at once (at most 64 permits) and
    /// counts them out itself. Permits an instance holds unused when the window ends are lost, so with n instances a
    /// client may be refused up to (n - 1) times twice this percent short of its limit (a lease in use and the next);
    /// never over it. 0 counts every request in Redis.
    /// </summary>
    public int LeasePercent { get; set; } = 1;

    /// <summary>With Redis away each instance limits on its own, to the limit divided by this.</summary>
    public int InstanceCount { get; set; } = 2;

    protected override IEnumerable<string> Check()
    {
        foreach (var (name, limit, window) in new[] { ("", PermitLimit, WindowSeconds), ("Credentials", CredentialsPermitLimit, CredentialsWindowSeconds), ("Account", AccountPermitLimit, AccountWindowSeconds) })
        {
            if (limit is < 1 or > 1_000_000) yield return SettingName.Problem($"RateLimiting:{name}PermitLimit", "must be between 1 and 1000000");
            if (window is < 1 or > 86_400) yield return SettingName.Problem($"RateLimiting:{name}WindowSeconds", "must be between 1 and 86400");
        }
        if (LeasePercent is < 0 or > 10) yield return SettingName.Problem("RateLimiting:LeasePercent", "must be between 0 and 10");
        if (InstanceCount is < 1 or > 1000) yield return SettingName.Problem("RateLimiting:InstanceCount", "must be between 1 and 1000");
    }
}
