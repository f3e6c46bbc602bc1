using System.Diagnostics;
using System.Globalization;

namespace Slices.Api.Platform.Observability;

/// <summary>X-Response-Time (milliseconds, time to first byte of the response) and the same figure as Server-Timing for browsers' dev tools.</summary>
internal sealed class ResponseTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(static state =>
        {
            var (response, started) = ((HttpResponse, long))state;
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
            response.Headers["X-Response-Time"] = $"{ms}ms";
            response.Headers.Append("Server-Timing", $"app;dur={ms}");
            return Task.CompletedTask;
        }, (context.Response, started));
        return next(context);
    }
}
