using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Slices.Api.Platform.Http;

/// <summary>
/// The Content-Security-Policy of the docs UI. Its page has one inline script (the UI's settings), so the policy
/// allows exactly that script by its SHA-256 rather than any inline script; everything else must come from this origin.
/// </summary>
internal static partial class DocsPagePolicy
{
    private const string Base = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
                                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static Task ServeAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.TrimEnd('/').Equals("/docs", StringComparison.OrdinalIgnoreCase))
            return ServePageAsync(context, next);
        context.Response.Headers.ContentSecurityPolicy = $"{Base}; script-src 'self'";
        return next(context);
    }

    private static async Task ServePageAsync(HttpContext context, RequestDelegate next)
    {
        var response = context.Response;
        var original = response.Body;
        await using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            response.Body = original;
        }

        buffer.Position = 0;
        var scripts = "'self'";
        if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var page = Encoding.UTF8.GetString(buffer.ToArray());
            foreach (Match inline in InlineScript().Matches(page))
                scripts += $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline.Groups["body"].Value)))}'";
        }
        response.Headers.ContentSecurityPolicy = $"{Base}; script-src {scripts}";
        if (response.StatusCode != StatusCodes.Status304NotModified && buffer.Length > 0)
        {
            response.ContentLength = buffer.Length;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
    }

    [GeneratedRegex(@"<script>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
