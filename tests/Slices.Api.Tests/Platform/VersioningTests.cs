using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class VersioningTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Versioned_endpoints_live_under_api_v1()
    {
        var versioned = await app.CreateClient().GetAsync("/api/v1/info", Ct);
        var unversioned = await app.CreateClient().GetAsync("/api/info", Ct);

        Assert.Equal(HttpStatusCode.OK, versioned.StatusCode);
        var body = await versioned.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("v1", body.GetProperty("versions")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unversioned.StatusCode);
        Assert.False(versioned.Headers.Contains("Deprecation"));
    }

    [Fact]
    public async Task The_v1_document_describes_every_endpoint_with_summary_and_responses()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("v1", document.GetProperty("info").GetProperty("version").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/info", "/api/health", "/healthz/live", "/healthz/ready" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.False(string.IsNullOrEmpty(get.GetProperty("summary").GetString()), path);
            Assert.False(string.IsNullOrEmpty(get.GetProperty("description").GetString()), path);
            Assert.True(get.GetProperty("responses").TryGetProperty("200", out _), path);
        }
        Assert.True(paths.GetProperty("/api/health").GetProperty("get").GetProperty("responses").TryGetProperty("503", out _));
    }

    [Fact]
    public async Task There_is_no_v2_document_until_a_v2_endpoint_exists_and_the_docs_ui_is_served()
    {
        var v2 = await app.CreateClient().GetAsync("/openapi/v2.json", Ct);
        var ui = await app.CreateClient().GetAsync("/docs/index.html", Ct);

        Assert.Equal(HttpStatusCode.NotFound, v2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Equal("text/html", ui.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_deprecated_endpoint_version_announces_deprecation_and_sunset_in_headers_and_document()
    {
        await using var deprecating = await SlicesApp.StartAsync(s =>
        {
            s["Api:Deprecations:0:Endpoint"] = "GET /api/v1/info";
            s["Api:Deprecations:0:Since"] = "2026-11-01T00:00:00Z";
            s["Api:Deprecations:0:Sunset"] = "2027-05-01T00:00:00Z";
            s["Api:Deprecations:0:Link"] = "https://developers.example.com/slices/migrate-info";
        });
        var client = deprecating.CreateClient();

        var response = await client.GetAsync("/api/v1/info", Ct);
        var health = await client.GetAsync("/api/health", Ct);
        var operation = (await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct)).GetProperty("paths").GetProperty("/api/v1/info").GetProperty("get");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"@{new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds()}", response.Headers.GetValues("Deprecation").Single());
        Assert.Equal("Sat, 01 May 2027 00:00:00 GMT", response.Headers.GetValues("Sunset").Single());
        Assert.Equal("<https://developers.example.com/slices/migrate-info>; rel=\"deprecation\"; type=\"text/html\"", response.Headers.GetValues("Link").Single());
        Assert.False(health.Headers.Contains("Deprecation"));
        Assert.True(operation.GetProperty("deprecated").GetBoolean());
        Assert.Equal("2027-05-01", operation.GetProperty("x-sunset").GetString());
    }

    [Fact]
    public async Task The_document_shows_the_three_security_schemes_and_what_each_endpoint_needs()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var paths = document.GetProperty("paths");

        Assert.Equal("bearer", schemes.GetProperty("bearer").GetProperty("scheme").GetString());
        Assert.Equal("cookie", schemes.GetProperty("cookie").GetProperty("in").GetString());
        Assert.Equal("X-API-Key", schemes.GetProperty("apiKey").GetProperty("name").GetString());
        Assert.False(paths.GetProperty("/api/v1/auth/login").GetProperty("post").TryGetProperty("security", out _));
        Assert.Equal(["bearer", "cookie"], SchemesOf(paths.GetProperty("/api/v1/users").GetProperty("get")));
        Assert.Equal(["apiKey", "bearer", "cookie"], SchemesOf(paths.GetProperty("/api/v1/audit/events").GetProperty("get")));
        Assert.Contains("users:manage", paths.GetProperty("/api/v1/users").GetProperty("post").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> SchemesOf(JsonElement operation) =>
        operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Order();
}
