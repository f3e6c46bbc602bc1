using System.Security.Cryptography;
using System.Text;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Observability;

public static class TelemetryExtensions
{
    /// <summary>
    /// The meters served at /metrics besides HttpClient's and the runtime's. Of ASP.NET Core's, requests (Hosting),
    /// connections (Kestrel) and unhandled exceptions (Diagnostics); not Routing's match counter or RateLimiting's
    /// lease counters and histogram, which cost every request several updates to repeat what the request duration's
    /// route and status tags and slices.rate_limit.rejections already say.
    /// </summary>
    private static readonly string[] Meters =
    [
        "Npgsql", Redis.RedisMetrics.Meter.Name, BusinessMetrics.Meter.Name, RateLimiting.RateLimitGate.Meter.Name, Outbox.OutboxWorker.Meter.Name, Caching.CacheMetrics.Meter.Name, Jobs.JobMetrics.Meter.Name, Features.Webhooks.WebhookDispatcher.Meter.Name,
        Audit.AccessLogMetrics.Meter.Name, Database.SharedCommits.Meter.Name,
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
    ];

    /// <summary>
    /// OpenTelemetry traces (incoming requests, outgoing HTTP, Npgsql, Redis) and metrics, exported over OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set, and metrics in Prometheus format at /metrics.
    /// </summary>
    public static void AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.AddSettings<TelemetryOptions>(TelemetryOptions.Section, TelemetryOptions.ApplyAliases);
        builder.Services.AddHostedService<SlowQueryLog>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var release = builder.Configuration["SLICES_RELEASE"] ?? typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString() ?? "dev";

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("slices-api", serviceVersion: release)
                .AddAttributes([new("deployment.environment.name", builder.Environment.EnvironmentName)]))
            .WithMetrics(m =>
            {
                m.AddHttpClientInstrumentation().AddRuntimeInstrumentation().AddMeter(Meters).AddPrometheusExporter();
                if (otlp) m.AddOtlpExporter();
            });
        // Spans cost on every request and every command: they are made only when something will receive them.
        if (otlp)
        {
            telemetry.WithTracing(t => t
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics") && !context.Request.Path.StartsWithSegments("/healthz");
                    o.RecordException = true;
                })
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddRedisInstrumentation()
                .AddOtlpExporter());
        }
    }

    /// <summary>
    /// /metrics for Prometheus: on the management port when one is set (nothing else is served there), else behind
    /// the bearer token; with neither it does not exist outside Development.
    /// </summary>
    public static void UseMetricsEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<TelemetryOptions>();
        var open = app.Environment.IsDevelopment() && options.MetricsToken is null && options.MetricsPort is null;
        var token = options.MetricsToken is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.MetricsToken));

        if (options.MetricsPort is { } port)
        {
            app.UseWhen(c => c.Connection.LocalPort == port, management => management.Use((context, next) =>
                context.Request.Path == "/metrics" ? next(context) : Errors.Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Only /metrics is served on the management port.")));
        }
        app.UseWhen(c => c.Request.Path == "/metrics", metrics => metrics.Use((context, next) =>
        {
            var allowed = open || (options.MetricsPort is { } p && context.Connection.LocalPort == p) || (token is not null && BearerMatches(context, token));
            if (allowed) return next(context);
            return options.MetricsToken is null
                ? Errors.Problems.WriteAsync(context, StatusCodes.Status404NotFound, "There is nothing at this URL.")
                : Errors.Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "/metrics needs the metrics token as a bearer credential.");
        }));
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == "/metrics");
    }

    private static bool BearerMatches(HttpContext context, byte[] expectedHash)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal)
               && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[7..])), expectedHash);
    }
}
