using System.Net;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

public static class HttpExtensions
{
    /// <summary>Headers a browser app may send and read across origins: what the API's contract uses, nothing more.</summary>
    private static readonly string[] CorsRequestHeaders =
        ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match", "X-API-Key", "X-CSRF-Token", "X-Request-ID", "traceparent"];

    private static readonly string[] CorsExposedHeaders =
        ["ETag", "Location", "Retry-After", "RateLimit", "RateLimit-Policy", "X-Request-ID", "Deprecation", "Sunset", "Link", "Idempotent-Replayed"];

    public static void AddHttp(this WebApplicationBuilder builder)
    {
        builder.AddSettings<HttpOptions>(HttpOptions.Section, HttpOptions.ApplyAliases);
        builder.AddSettings<HttpsOptions>(HttpsOptions.Section);
        builder.AddSettings<CorsOptions>(CorsOptions.Section);

        // PORT (as App Platform and most PaaS set it) decides the listening port unless URLs were given explicitly. The
        // metrics port joins those URLs: bound apart (Kestrel's Listen), it was the only one, as explicit endpoints
        // make Kestrel drop the URLs, and the API stopped answering on its own port.
        var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey];
        if (urls is null)
        {
            var port = HttpOptions.TryParsePort(builder.Configuration["PORT"] ?? builder.Configuration["Http:Port"], out var p) ? p : HttpOptions.DefaultPort;
            urls = $"http://+:{port}";
        }
        if (HttpOptions.TryParsePort(builder.Configuration["METRICS_PORT"] ?? builder.Configuration["Telemetry:MetricsPort"], out var metricsPort))
            urls += $";http://+:{metricsPort}";
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, urls);

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, config) =>
        {
            // Bound before settings are validated, so read with the defaults; validation then reports bad values.
            var defaults = new HttpOptions();
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.GetValue("Http:MaxRequestBodyBytes", defaults.MaxRequestBodyBytes);
            kestrel.Limits.MaxRequestHeadersTotalSize = config.GetValue("Http:MaxRequestHeadersBytes", defaults.MaxRequestHeadersBytes);
        });

        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<HttpOptions>((o, http) =>
        {
            // With both lists empty the middleware would believe anyone: no trusted proxy means no forwarded headers at all.
            o.ForwardedHeaders = http.TrustedProxies.Count > 0 ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in http.TrustedProxies)
            {
                if (IPAddress.TryParse(proxy, out var address)) o.KnownProxies.Add(address);
                else if (System.Net.IPNetwork.TryParse(proxy, out var network)) o.KnownIPNetworks.Add(network);
            }
        });

        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<HttpOptions>((o, http) =>
            o.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(http.RequestTimeoutSeconds), TimeoutStatusCode = StatusCodes.Status504GatewayTimeout });

        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<CorsOptions>((o, cors) =>
            o.AddDefaultPolicy(policy => policy
                .WithOrigins([.. cors.AllowedOrigins.Select(origin => origin.TrimEnd('/'))])
                .AllowCredentials()
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders(CorsRequestHeaders)
                .WithExposedHeaders(CorsExposedHeaders)
                .SetPreflightMaxAge(TimeSpan.FromSeconds(cors.PreflightMaxAgeSeconds))));
    }

    /// <summary>Before the error handlers: browser protections go on every response, errors included.</summary>
    public static void UseSecurityHeaders(this WebApplication app) => app.UseMiddleware<SecurityHeadersMiddleware>();

    /// <summary>HTTPS only (outside Development), then the body limit: both refuse before anything reads the request.</summary>
    public static void UseHttpLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<HttpsOptions>().Require) app.UseMiddleware<HttpsOnlyMiddleware>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
    }

    /// <summary>After routing: CORS answers preflights, and each request runs under the request timeout.</summary>
    public static void UseCrossOriginAndTimeouts(this WebApplication app)
    {
        app.UseCors();
        app.UseRequestTimeouts();
    }
}
