using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

public sealed partial class SecurityHeaderTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertBrowserProtections(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("same-origin", response.Headers.GetValues("Cross-Origin-Opener-Policy").Single());
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }

    [Theory]
    [InlineData("/api/health")]
    [InlineData("/api/v1/patients")]
    [InlineData("/api/v1/no-such-thing")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_api_response_errors_included_has_the_strict_policy_and_the_browser_protections(string path)
    {
        var response = await app.CreateClient().GetAsync(path, Ct);

        AssertBrowserProtections(response);
        Assert.Equal("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Patient_data_is_never_stored_by_a_cache()
    {
        var clinic = await Clinic.OpenAsync(app);

        var read = await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        var search = await clinic.Admin.GetAsync("/api/v1/patients?q=San", Ct);
        var denied = await app.CreateClient().GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);

        foreach (var response in new[] { read, search, denied })
            Assert.True(response.Headers.CacheControl?.NoStore, $"{response.RequestMessage!.RequestUri} may be cached");
    }

    [Fact]
    public async Task The_docs_page_allows_only_its_own_inline_script_by_hash()
    {
        var page = await app.CreateClient().GetAsync("/docs/index.html", Ct);
        var html = await page.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        AssertBrowserProtections(page);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var scriptSource = ScriptSource().Match(policy).Groups["sources"].Value;
        Assert.DoesNotContain("unsafe-inline", scriptSource, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        var inline = InlineScript().Matches(html).Select(m => m.Groups["body"].Value).ToList();
        Assert.NotEmpty(inline);
        foreach (var script in inline)
            Assert.Contains($"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)))}'", scriptSource, StringComparison.Ordinal);
        Assert.Contains("SwaggerUIBundle", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_docs_scripts_are_served_whole_under_the_docs_policy()
    {
        var bundle = await app.CreateClient().GetAsync("/docs/swagger-ui-bundle.js", Ct);

        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.Contains("script-src 'self'", bundle.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.True((await bundle.Content.ReadAsByteArrayAsync(Ct)).Length > 100_000);
    }

    [GeneratedRegex("script-src (?<sources>[^;]*)")]
    private static partial Regex ScriptSource();

    [GeneratedRegex("<script>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex InlineScript();
}
