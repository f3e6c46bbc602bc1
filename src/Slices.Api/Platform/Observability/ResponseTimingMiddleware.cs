using System.Diagnostics;
using System.Globalization;

namespace Slices.Api.Platform.Observability;

/// <summary>X-Response-Time (milliseconds, time to first byte of the response) and the same figure as Server-Timing for browsers' dev tools.</summary>
internal sealed class ResponseTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture);
            context.Response.Headers["X-Response-Time"] = $"{ms}ms";
            context.Response.Headers.Append("Server-Timing", $"app;dur={ms}");
            return Task.CompletedTask;
        });
        return next(context);
    }
}
