using Slices.Api.Platform.Config;

namespace Slices.Api.Features.Webhooks;

/// <summary>How webhooks are delivered: timeouts, the retry schedule, how many at once, and which URLs are allowed.</summary>
public sealed class WebhookOptions : Settings
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Seconds before each attempt, comma-separated, like Svix's: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
    /// 10 h after each failure. The number of delays is the number of attempts.
    /// </summary>
    public string RetrySchedule { get; set; } = "0,5,300,1800,7200,18000,36000,36000";

    public double[] Delays => [.. RetrySchedule.Split(',', StringSplitOptions.TrimEntries).Select(d => double.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : -1)];

    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>Requests in flight at once per worker process.</summary>
    public int Concurrency { get; set; } = 64;

    public int BatchSize { get; set; } = 200;
    public int PollIntervalMs { get; set; } = 200;

    /// <summary>An endpoint whose every attempt has failed for this long is disabled.</summary>
    public double DisableAfterDays { get; set; } = 5;

    /// <summary>Only https URLs (Production). Off elsewhere by default, for receivers on a developer's machine.</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>Allows loopback receivers (tests, local use). Private, link-local and metadata addresses stay refused.</summary>
    public bool AllowLoopback { get; set; }

    protected override IEnumerable<string> Check()
    {
        if (Delays is not { Length: >= 1 and <= 20 } delays || delays.Any(s => s is < 0 or > 86_400))
            yield return SettingName.Problem("Webhooks:RetrySchedule", "1 to 20 delays in seconds, comma-separated, each between 0 and 86400");
        if (TimeoutSeconds is < 1 or > 60) yield return SettingName.Problem("Webhooks:TimeoutSeconds", "must be between 1 and 60");
        if (Concurrency is < 1 or > 1000) yield return SettingName.Problem("Webhooks:Concurrency", "must be between 1 and 1000");
        if (BatchSize is < 1 or > 5000) yield return SettingName.Problem("Webhooks:BatchSize", "must be between 1 and 5000");
        if (PollIntervalMs is < 10 or > 60_000) yield return SettingName.Problem("Webhooks:PollIntervalMs", "must be between 10 and 60000");
        if (DisableAfterDays is < 0.0001 or > 90) yield return SettingName.Problem("Webhooks:DisableAfterDays", "must be between 0.0001 and 90");
    }
}
