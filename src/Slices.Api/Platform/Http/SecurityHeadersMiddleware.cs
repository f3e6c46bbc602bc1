namespace Slices.Api.Platform.Http;

/// <summary>
/// The browser-facing protections on every response, errors and redirects included. The API's policy allows nothing
/// (it serves JSON, never pages); the docs UI under /docs and the jobs dashboard under /jobs get their own policies,
/// relaxed only as far as they need.
/// API responses that set no caching of their own are not stored anywhere: most of them carry PHI.
/// </summary>
internal sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    public const string ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    // The jobs dashboard loads its script and styles from its own routes and has no inline script.
    private const string JobsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
                                      "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private const string PermissionsPolicy =
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = PermissionsPolicy;
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";

        if (context.Request.Path.StartsWithSegments("/docs")) return DocsPagePolicy.ServeAsync(context, next);

        var jobs = context.Request.Path.StartsWithSegments(Jobs.JobsDashboard.Path);
        headers.ContentSecurityPolicy = jobs ? JobsPolicy : ApiPolicy;
        if (jobs || context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                if (string.IsNullOrEmpty(headers.CacheControl)) headers.CacheControl = "no-store";
                return Task.CompletedTask;
            }, context.Response);
        }
        return next(context);
    }
}
