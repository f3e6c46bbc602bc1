using Sentry;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Sends every server error to Sentry once: an exception from the exception handler, else (a 5xx with no exception,
/// such as 503 or 504) a message for the status and route, so equal failures group together. Each carries the
/// request id, route template, practice id and status as tags. A no-op while Sentry is off.
/// </summary>
public static class ServerErrors
{
    private const string CapturedKey = "slices.sentry-captured";

    public static void Capture(HttpContext context, Exception exception)
    {
        context.Items[CapturedKey] = true;
        SentrySdk.CaptureException(exception, scope => Tag(scope, context));
    }

    /// <summary>Middleware: after the response, a 5xx that no exception explained is captured as a message.</summary>
    public static async Task ReportAsync(HttpContext context, Func<Task> next)
    {
        await next();
        if (context.Response.StatusCode < 500 || context.Items.ContainsKey(CapturedKey) || !SentrySdk.IsEnabled) return;
        var route = LoggingExtensions.RouteTemplateOf(context);
        SentrySdk.CaptureMessage($"HTTP {context.Response.StatusCode} {context.Request.Method} {route}", scope =>
        {
            Tag(scope, context);
            scope.Level = SentryLevel.Error;
            scope.SetFingerprint(["http-status", context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), context.Request.Method, route]);
        });
    }

    private static void Tag(Scope scope, HttpContext context)
    {
        scope.SetTag("request_id", context.TraceIdentifier);
        scope.SetTag("route", LoggingExtensions.RouteTemplateOf(context));
        scope.SetTag("status", context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (context.User.Value(SlicesClaims.Practice) is { } practice) scope.SetTag("practice_id", practice);
        if (context.User.Value(SlicesClaims.Subject) is { } actor) scope.User = new SentryUser { Id = actor };
    }
}
