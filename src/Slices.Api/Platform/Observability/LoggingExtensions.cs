using System.Diagnostics;
using Serilog;
using Serilog.Formatting.Compact;

namespace Slices.Api.Platform.Observability;

public static class LoggingExtensions
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {RequestId}{NewLine}{Exception}";

    /// <summary>Serilog: JSON lines to stdout (text in Development, or with LOG_FORMAT=text), levels from the Serilog section.</summary>
    public static void AddLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) =>
        {
            var config = services.GetRequiredService<IConfiguration>();
            var text = string.Equals(config["LOG_FORMAT"] ?? (builder.Environment.IsDevelopment() ? "text" : "json"), "text", StringComparison.OrdinalIgnoreCase);
            logger.ReadFrom.Configuration(config)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Application", "slices-api");
            if (string.Equals(config["LOG_CONSOLE"], "false", StringComparison.OrdinalIgnoreCase)) return;
            if (text) logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            else logger.WriteTo.Sink(new StdoutLineSink(new RenderedCompactJsonFormatter()));
        }, preserveStaticLogger: true);
        CachedLoggerFactory.Wrap(builder.Services);

        TraceIds.EnsureForEveryRequest();
    }

    /// <summary>One completion line per request (<see cref="RequestCompletionLog"/>).</summary>
    public static void UseRequestLogging(this WebApplication app) => app.UseMiddleware<RequestCompletionLog>();

    private const string RouteKey = "slices.route";

    /// <summary>The request span's tag naming the slice (method and route template), for whatever runs inside it.</summary>
    public const string SliceTag = "slices.slice";

    /// <summary>
    /// Remembers the matched route as soon as routing has run: the exception handler clears the endpoint before the
    /// completion line is written, and a 500 must still say which route failed.
    /// </summary>
    public static void UseRouteCapture(this WebApplication app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint() is RouteEndpoint route)
        {
            var names = RouteNames.Of(route);
            context.Items[RouteKey] = names.Template;
            Activity.Current?.SetTag(SliceTag, names.Slice(context.Request.Method));
        }
        return next(context);
    });

    public static string RouteTemplateOf(HttpContext context) => RouteTemplate(context);

    private static string RouteTemplate(HttpContext context) =>
        context.Items[RouteKey] as string
        ?? (context.GetEndpoint() is RouteEndpoint route ? RouteNames.Of(route).Template : "(unmatched)");
}
