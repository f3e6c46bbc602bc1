using System.Net;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

public sealed class CorsTests(CorsTests.App app) : IClassFixture<CorsTests.App>
{
    public const string Allowed = "https://app.harbourclinic.example";

    public sealed class App : SlicesApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Settings["Cors:AllowedOrigins:0"] = Allowed;
            base.ConfigureWebHost(builder);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/patients");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization, content-type, idempotency-key");
        return app.CreateClient().SendAsync(request, Ct);
    }

    private Task<HttpResponseMessage> GetFromAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("Origin", origin);
        return app.CreateClient().SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_with_that_origin_and_credentials()
    {
        var response = await PreflightAsync(Allowed);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Allowed, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("true", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        var headers = response.Headers.GetValues("Access-Control-Allow-Headers").Single().ToLowerInvariant();
        Assert.Contains("idempotency-key", headers, StringComparison.Ordinal);
        Assert.Contains("authorization", headers, StringComparison.Ordinal);
        Assert.Equal("600", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }

    [Fact]
    public async Task A_request_from_an_allowed_origin_may_read_the_rate_limit_and_request_id_headers()
    {
        var response = await GetFromAsync(Allowed);

        Assert.Equal(Allowed, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single();
        Assert.Contains("RateLimit", exposed, StringComparison.Ordinal);
        Assert.Contains("X-Request-ID", exposed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("https://app.harbourclinic.example.evil.example")]
    [InlineData("http://app.harbourclinic.example")]
    [InlineData("null")]
    public async Task Any_other_origin_gets_no_cors_headers_at_all(string origin)
    {
        var preflight = await PreflightAsync(origin);
        var get = await GetFromAsync(origin);

        foreach (var response in new[] { preflight, get })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }
}
