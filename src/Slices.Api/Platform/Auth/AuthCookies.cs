using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// Browser mode: tokens in HttpOnly, Secure, SameSite=Lax cookies the page's scripts cannot read, plus a CSRF cookie
/// the page can read and must echo in X-CSRF-Token on every unsafe request (double submit).
/// </summary>
public static class AuthCookies
{
    public const string Access = "__Host-slices_access";
    public const string Refresh = "__Host-slices_refresh";
    public const string Csrf = "__Host-slices_csrf";
    public const string CsrfHeader = "X-CSRF-Token";

    public static void Set(HttpResponse response, string accessToken, string refreshToken, DateTimeOffset sessionExpires)
    {
        response.Cookies.Append(Access, accessToken, Options(httpOnly: true, sessionExpires));
        response.Cookies.Append(Refresh, refreshToken, Options(httpOnly: true, sessionExpires));
        response.Cookies.Append(Csrf, Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)), Options(httpOnly: false, sessionExpires));
    }

    public static void Clear(HttpResponse response)
    {
        foreach (var name in new[] { Access, Refresh, Csrf }) response.Cookies.Delete(name, Options(httpOnly: name != Csrf, null));
    }

    private static CookieOptions Options(bool httpOnly, DateTimeOffset? expires) => new()
    {
        HttpOnly = httpOnly,
        Secure = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}
