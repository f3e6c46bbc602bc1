using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Http;

/// <summary>
/// Plain HTTP never carries PHI or credentials: the API refuses it (a redirect would hide that the token already
/// crossed the network in clear), the docs redirect to HTTPS, and HTTPS responses carry HSTS. The liveness and
/// readiness probes stay reachable over HTTP, because the platform's health checker calls the container directly.
/// Whether a request is HTTPS comes from the connection, or from X-Forwarded-Proto of a trusted proxy only.
/// </summary>
internal sealed class HttpsOnlyMiddleware(RequestDelegate next, HttpsOptions options)
{
    private readonly string _hsts = $"max-age={options.HstsMaxAgeSeconds}; includeSubDomains{(options.HstsPreload ? "; preload" : "")}";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.IsHttps)
        {
            context.Response.Headers.StrictTransportSecurity = _hsts;
            return next(context);
        }
        if (request.Path.StartsWithSegments("/healthz")) return next(context);

        if (!request.Path.StartsWithSegments("/api") && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            var host = options.Port == 443 ? new HostString(request.Host.Host) : new HostString(request.Host.Host, options.Port);
            context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
            context.Response.Headers.Location = $"https://{host.ToUriComponent()}{request.PathBase.ToUriComponent()}{request.Path.ToUriComponent()}{request.QueryString.ToUriComponent()}";
            return Task.CompletedTask;
        }
        return Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
            "This API is served over HTTPS only. Send the request to the https:// address, and replace any credential that was sent over plain HTTP.");
    }
}
