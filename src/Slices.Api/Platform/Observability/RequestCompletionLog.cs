using System.Diagnostics;
using Serilog.Events;
using Serilog.Parsing;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// One completion line per request: method, path and route template, status, elapsed ms, request id, trace id, and the
/// caller (practice, user or API key id) when authenticated. Never bodies, query strings or tokens. Error level for a
/// 5xx or an exception that passes through (logged on its way out, so the handlers outside still see it).
/// </summary>
/// <remarks>
/// The same line Serilog's request logging wrote, built in one step: that middleware gathered the properties through
/// an async-local collector and a dictionary of its own on every request, a tenth of this pipeline's allocations.
/// </remarks>
internal sealed class RequestCompletionLog(RequestDelegate next, Serilog.ILogger logger)
{
    private static readonly MessageTemplate Template =
        new MessageTemplateParser().Parse("HTTP {RequestMethod:l} {RouteTemplate:l} responded {StatusCode} in {Elapsed:0.0} ms");

    private readonly Serilog.ILogger _logger = logger.ForContext<RequestCompletionLog>();

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (Exception e) when (Write(context, StatusCodes.Status500InternalServerError, started, e))
        {
            // never caught: Write returns false
        }
        Write(context, context.Response.StatusCode, started, null);
    }

    private bool Write(HttpContext context, int status, long started, Exception? exception)
    {
        var level = exception is not null || status >= 500 ? LogEventLevel.Error : LogEventLevel.Information;
        if (!_logger.IsEnabled(level)) return false;
        var user = context.User;
        // RequestId and TraceId come from the log context that RequestIdMiddleware, outside this one, pushes for every line.
        LogEventProperty[] properties =
        [
            new("RequestMethod", new ScalarValue(context.Request.Method)),
            new("RouteTemplate", new ScalarValue(LoggingExtensions.RouteTemplateOf(context))),
            new("RequestPath", new ScalarValue(context.Request.Path.Value)),
            new("StatusCode", new ScalarValue(status)),
            new("Elapsed", new ScalarValue(Stopwatch.GetElapsedTime(started).TotalMilliseconds)),
            new("PracticeId", new ScalarValue(user.Value(SlicesClaims.Practice))),
            new("ActorType", new ScalarValue(user.Value(SlicesClaims.ActorType) ?? Actor.AnonymousType)),
            new("ActorId", new ScalarValue(user.Value(SlicesClaims.Subject))),
        ];
        _logger.Write(new LogEvent(DateTimeOffset.Now, level, exception, Template, properties));
        return false;
    }
}
