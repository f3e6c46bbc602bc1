using System.Net;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

public sealed class HttpsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<SlicesApp> StartAsync(bool trustLoopbackProxy = false) => SlicesApp.StartAsync(s =>
    {
        s["environment"] = "Production";
        s.Remove("Https:Require"); // the Production default
        if (trustLoopbackProxy) s["Http:TrustedProxies:0"] = "127.0.0.0/8";
    });

    private static HttpRequestMessage Get(string path, string? forwardedProto = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedProto is not null) request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        return request;
    }

    [Fact]
    public async Task Outside_development_the_api_refuses_plain_http_and_the_docs_redirect_to_https()
    {
        await using var app = await StartAsync();
        var client = app.CreateClientWithoutCookies();

        var api = await client.SendAsync(Get("/api/health"), Ct);
        var login = await client.PostAsync("/api/v1/auth/login", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Ct);
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = client.BaseAddress };
        var docs = await noRedirects.GetAsync("/docs?tab=1", Ct);

        Assert.Contains("HTTPS only", (await api.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await login.AssertProblemAsync(403);
        Assert.False(api.Headers.Contains("Strict-Transport-Security"), "HSTS means nothing over plain HTTP");
        Assert.Equal(HttpStatusCode.PermanentRedirect, docs.StatusCode);
        Assert.Equal($"https://{client.BaseAddress!.Host}/docs?tab=1", docs.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_platform_probes_still_answer_over_plain_http()
    {
        await using var app = await StartAsync();

        var live = await app.CreateClient().GetAsync("/healthz/live", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Https_forwarded_by_a_trusted_proxy_is_served_with_hsts_for_a_year_and_subdomains()
    {
        await using var app = await StartAsync(trustLoopbackProxy: true);

        var response = await app.CreateClient().SendAsync(Get("/api/health", forwardedProto: "https"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var hsts = response.Headers.GetValues("Strict-Transport-Security").Single();
        Assert.Equal("max-age=31536000; includeSubDomains", hsts);
    }

    [Fact]
    public async Task X_forwarded_proto_from_anyone_but_a_trusted_proxy_is_ignored()
    {
        await using var app = await StartAsync(trustLoopbackProxy: false);

        var response = await app.CreateClient().SendAsync(Get("/api/health", forwardedProto: "https"), Ct);

        await response.AssertProblemAsync(403);
    }
}
