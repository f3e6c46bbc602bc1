using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Where /metrics is served and who may read it, and when a database command counts as slow. /metrics is served
/// only behind Metrics:Token (a bearer credential) or on Metrics:Port (a management port kept off the public
/// route); with neither it is off, except in Development.
/// </summary>
public sealed class TelemetryOptions : Settings
{
    public const string Section = "Telemetry";

    public string? MetricsToken { get; set; }
    public int? MetricsPort { get; set; }
    public int SlowQueryMs { get; set; } = 100;

    /// <summary>The share of requests Sentry traces for performance (0 to 1).</summary>
    public double TracesSampleRate { get; set; } = 0.1;

    public static void ApplyAliases(TelemetryOptions options, IConfiguration config)
    {
        options.MetricsToken = config["METRICS_TOKEN"] ?? options.MetricsToken;
        if (int.TryParse(config["METRICS_PORT"], System.Globalization.CultureInfo.InvariantCulture, out var port)) options.MetricsPort = port;
    }

    protected override IEnumerable<string> Check()
    {
        if (MetricsToken is { Length: < 32 }) yield return SettingName.Problem("METRICS_TOKEN", "Telemetry:MetricsToken", "must be at least 32 characters (openssl rand -hex 32)");
        if (MetricsPort is < 1 or > 65535) yield return SettingName.Problem("METRICS_PORT", "Telemetry:MetricsPort", "must be a port number from 1 to 65535");
        if (SlowQueryMs is < 1 or > 600_000) yield return SettingName.Problem("Telemetry:SlowQueryMs", "must be between 1 and 600000");
        if (TracesSampleRate is < 0 or > 1) yield return SettingName.Problem("Telemetry:TracesSampleRate", "must be between 0 and 1");
    }
}
