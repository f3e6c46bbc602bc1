using System.Security.Cryptography;
using System.Text;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// With cookie authentication, an unsafe method must echo the CSRF cookie in X-CSRF-Token. Bearer and API-key requests
/// need nothing. The jobs dashboard checks its own antiforgery token instead (its page script sends that one).
/// </summary>
internal sealed class CsrfMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.User.Value(SlicesClaims.Via) != "cookie" || context.Request.Path.StartsWithSegments(Jobs.JobsDashboard.Path) || HttpMethods.IsGet(context.Request.Method) ||
            HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method))
            return next(context);

        var cookie = context.Request.Cookies[AuthCookies.Csrf];
        var header = context.Request.Headers[AuthCookies.CsrfHeader].ToString();
        return !string.IsNullOrEmpty(cookie) && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), Encoding.UTF8.GetBytes(header))
            ? next(context)
            : Problems.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"Cookie-authenticated requests that change data must send the {AuthCookies.Csrf} cookie's value in the {AuthCookies.CsrfHeader} header.");
    }
}
