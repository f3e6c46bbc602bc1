using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Lifecycle;

public sealed class ShutdownOptions : Settings
{
    public const string Section = "Shutdown";

    /// <summary>After SIGTERM, how long readiness answers 503 while load balancers stop sending, before the listener closes.</summary>
    public int DrainDelaySeconds { get; set; } = 5;

    /// <summary>How long in-flight requests may take to finish once the listener has closed.</summary>
    public int InFlightTimeoutSeconds { get; set; } = 30;

    public TimeSpan Total => TimeSpan.FromSeconds(DrainDelaySeconds + InFlightTimeoutSeconds);

    protected override IEnumerable<string> Check()
    {
        if (DrainDelaySeconds is < 0 or > 60) yield return SettingName.Problem("Shutdown:DrainDelaySeconds", "must be between 0 and 60");
        if (InFlightTimeoutSeconds is < 1 or > 300) yield return SettingName.Problem("Shutdown:InFlightTimeoutSeconds", "must be between 1 and 300");
    }
}
