using Sentry.AspNetCore;

namespace Slices.Api.Platform.Observability;

public static class SentryExtensions
{
    /// <summary>Sentry when SENTRY_DSN (or Sentry:Dsn) is set; otherwise nothing is installed and nothing is sent.</summary>
    public static void AddSentryWhenConfigured(this WebApplicationBuilder builder)
    {
        var dsn = builder.Configuration["SENTRY_DSN"] ?? builder.Configuration["Sentry:Dsn"];
        if (string.IsNullOrWhiteSpace(dsn)) return;
        var release = builder.Configuration["SLICES_RELEASE"] ?? typeof(SentryExtensions).Assembly.GetName().Version?.ToString() ?? "dev";
        var sampleRate = double.TryParse(builder.Configuration["Telemetry:TracesSampleRate"], System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate : 0.1;

        builder.WebHost.UseSentry(o =>
        {
            o.Dsn = dsn;
            o.Release = release;
            o.Environment = builder.Environment.EnvironmentName.ToLowerInvariant();
            o.SendDefaultPii = false;
            o.MaxRequestBodySize = Sentry.Extensibility.RequestSize.None;
            o.TracesSampleRate = Math.Clamp(sampleRate, 0, 1);
            o.MinimumEventLevel = LogLevel.None; // events come from ServerErrors only: one per failure, not one per log line too
            o.AttachStacktrace = true;
            o.SetBeforeSend(SentryScrubber.Scrub);
            o.SetBeforeSendTransaction(SentryScrubber.ScrubTransaction);
            o.SetBeforeBreadcrumb(SentryScrubber.ScrubBreadcrumb);
        });
    }
}
