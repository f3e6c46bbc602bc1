using System.Globalization;

namespace Slices.Api.Platform.Api;

/// <summary>Adds Deprecation (RFC 9745), Sunset (RFC 8594) and a Link to the migration notes on responses of deprecated endpoint versions.</summary>
internal sealed class DeprecationMiddleware(RequestDelegate next, ApiOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (options.Deprecations.Count > 0
            && context.GetEndpoint() is RouteEndpoint endpoint
            && options.Find(context.Request.Method, Observability.RouteNames.Of(endpoint).Template) is { } deprecation)
        {
            var headers = context.Response.Headers;
            headers["Deprecation"] = $"@{deprecation.Since!.Value.ToUnixTimeSeconds()}";
            if (deprecation.Sunset is { } sunset) headers["Sunset"] = sunset.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);
            if (deprecation.Link is { } link) headers.Append("Link", $"<{link}>; rel=\"deprecation\"; type=\"text/html\"");
        }
        return next(context);
    }
}
