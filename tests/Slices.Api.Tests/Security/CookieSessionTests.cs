using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

public sealed class CookieSessionTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Browser_login_sets_httponly_secure_lax_cookies_and_no_tokens_in_the_body()
    {
        var practice = await app.SignUpAsync();

        var (response, cookies) = await BrowserLoginAsync(practice);

        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Cookie", body.GetProperty("tokenType").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("accessToken").ValueKind);
        var setCookies = response.Headers.GetValues("Set-Cookie").ToList();
        foreach (var name in new[] { "__Host-slices_access", "__Host-slices_refresh" })
        {
            var cookie = setCookies.Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("httponly", setCookies.Single(c => c.StartsWith("__Host-slices_csrf=", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, cookies.Count);
    }

    [Fact]
    public async Task A_cookie_session_reads_without_csrf_but_changes_need_the_csrf_token()
    {
        var practice = await app.SignUpAsync();
        var (_, cookies) = await BrowserLoginAsync(practice);
        var client = app.CreateClientWithoutCookies();

        var read = await client.SendAsync(WithCookies(HttpMethod.Get, "/api/v1/auth/me", cookies), Ct);
        var withoutToken = await client.SendAsync(WithCookies(HttpMethod.Post, "/api/v1/auth/logout", cookies), Ct);
        var wrongToken = WithCookies(HttpMethod.Post, "/api/v1/auth/logout", cookies);
        wrongToken.Headers.Add("X-CSRF-Token", "guessed");
        var guessed = await client.SendAsync(wrongToken, Ct);
        var rightToken = WithCookies(HttpMethod.Post, "/api/v1/auth/logout", cookies);
        rightToken.Headers.Add("X-CSRF-Token", cookies["__Host-slices_csrf"]);
        var accepted = await client.SendAsync(rightToken, Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains("X-CSRF-Token", (await withoutToken.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await guessed.AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
    }

    [Fact]
    public async Task One_token_sent_as_a_bearer_and_then_as_the_cookie_needs_the_csrf_token_as_the_cookie()
    {
        var practice = await app.SignUpAsync();
        var (_, cookies) = await BrowserLoginAsync(practice);
        var client = app.CreateClientWithoutCookies();

        var asBearer = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients") { Content = JsonContent.Create(new { }) };
        asBearer.Headers.Authorization = new("Bearer", cookies["__Host-slices_access"]);
        var bearer = await client.SendAsync(asBearer, Ct);
        var asCookie = WithCookies(HttpMethod.Post, "/api/v1/patients", cookies);
        asCookie.Content = JsonContent.Create(new { });
        var cookie = await client.SendAsync(asCookie, Ct);

        await bearer.AssertProblemAsync(400); // past the CSRF check, refused by validation
        Assert.Contains("X-CSRF-Token", (await cookie.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_requests_need_no_csrf_token()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PostAsync("/api/v1/auth/logout", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<(HttpResponseMessage Response, Dictionary<string, string> Cookies)> BrowserLoginAsync(Practice practice)
    {
        var response = await app.CreateClientWithoutCookies()
            .PostAsJsonAsync("/api/v1/auth/login", new { email = practice.AdminEmail, password = Accounts.Password, useCookies = true }, Ct);
        var cookies = response.Headers.GetValues("Set-Cookie")
            .Select(c => c.Split(';')[0].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        return (response, cookies);
    }

    private static HttpRequestMessage WithCookies(HttpMethod method, string path, Dictionary<string, string> cookies)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
        return request;
    }
}
