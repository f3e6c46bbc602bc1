using System.Globalization;
using System.Threading.RateLimiting;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.RateLimiting;

public static class RateLimitingExtensions
{
    public static void AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.AddSettings<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddSingleton<WindowCounter>();
        builder.Services.AddSingleton<RateLimitGate>();
        builder.Services.AddSingleton<SlicesRateLimiter>();
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<IServiceProvider>((o, services) =>
        {
            o.GlobalLimiter = services.GetRequiredService<SlicesRateLimiter>();
            o.OnRejected = RejectAsync;
        });
    }

    private static readonly Action<ILogger, string, string, Exception?> LogRejection =
        LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(429, "RateLimited"), "Rate limit refused {Method} {Path} (sampled: 1 in 20)");

    private static long _rejections;

    private static async ValueTask RejectAsync(Microsoft.AspNetCore.RateLimiting.OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var unavailable = rejected.Lease.TryGetMetadata(SlicesRateLimiter.UnavailableMetadata, out var flag) && flag is true;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (Interlocked.Increment(ref _rejections) % 20 == 1)
            LogRejection(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Slices.RateLimiting"), http.Request.Method, http.Request.Path, null);
        await Problems.WriteAsync(http, unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests, unavailable
            ? "Sign-in is briefly unavailable while its protection against guessing is restored. Retry after the time in Retry-After."
            : "Too many requests. Retry after the number of seconds in Retry-After; the RateLimit header says how many remain in each window.");
    }
}
