using Microsoft.AspNetCore.Server.Kestrel.Core;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

public static class HttpExtensions
{
    public static void AddHttp(this WebApplicationBuilder builder)
    {
        builder.AddSettings<HttpOptions>(HttpOptions.Section, HttpOptions.ApplyAliases);

        // PORT (as App Platform and most PaaS set it) decides the listening port unless URLs were given explicitly.
        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is null)
        {
            var port = HttpOptions.TryParsePort(builder.Configuration["PORT"] ?? builder.Configuration["Http:Port"], out var p) ? p : HttpOptions.DefaultPort;
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, $"http://+:{port}");
        }

        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, config) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = config.GetValue("Http:MaxRequestBodyBytes", new HttpOptions().MaxRequestBodyBytes);
        });
    }

    public static void UseHttpLimits(this WebApplication app) => app.UseMiddleware<RequestBodyLimitMiddleware>();
}
