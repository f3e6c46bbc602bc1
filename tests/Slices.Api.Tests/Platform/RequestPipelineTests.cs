using System.Globalization;
using System.Net;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class RequestPipelineTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Makes_a_uuid_v7_request_id_when_the_caller_sends_none()
    {
        var response = await app.CreateClient().GetAsync("/healthz/live", Ct);

        var id = Guid.Parse(response.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal(7, id.Version);
    }

    [Fact]
    public async Task Request_ids_it_makes_are_distinct_and_carry_the_millisecond_they_were_made_in()
    {
        var client = app.CreateClient();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new List<Guid>();
        for (var i = 0; i < 100; i++) ids.Add(Guid.Parse((await client.GetAsync("/healthz/live", Ct)).Headers.GetValues("X-Request-ID").Single()));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id =>
        {
            Assert.Equal(7, id.Version);
            Assert.InRange(id.Variant, 8, 11); // RFC 9562's variant: 10 in the top two bits
            Assert.InRange(long.Parse(id.ToString("N")[..12], NumberStyles.HexNumber, CultureInfo.InvariantCulture), before, after);
        });
    }

    [Fact]
    public async Task Keeps_a_well_formed_request_id_from_the_caller_and_logs_it()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Request-ID", "mobile-app.42:retry-1");

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal("mobile-app.42:retry-1", response.Headers.GetValues("X-Request-ID").Single());
        Assert.NotEmpty(await app.Logs.CompletionLinesAsync("mobile-app.42:retry-1"));
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("a/b\\c")]
    public async Task Replaces_a_malformed_request_id(string malformed)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/live");
        request.Headers.TryAddWithoutValidation("X-Request-ID", malformed);

        var response = await app.CreateClient().SendAsync(request, Ct);

        var echoed = response.Headers.GetValues("X-Request-ID").Single();
        Assert.NotEqual(malformed, echoed);
        Assert.Equal(7, Guid.Parse(echoed).Version);
    }

    [Fact]
    public async Task Replaces_an_overlong_request_id()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/healthz/live");
        request.Headers.Add("X-Request-ID", new string('a', 129));

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.True(Guid.TryParse(response.Headers.GetValues("X-Request-ID").Single(), out _));
    }

    [Fact]
    public async Task Every_response_says_how_long_it_took_in_milliseconds()
    {
        foreach (var path in new[] { "/api/health", "/no/such/route" })
        {
            var response = await app.CreateClient().GetAsync(path, Ct);

            var header = response.Headers.GetValues("X-Response-Time").Single();
            Assert.EndsWith("ms", header, StringComparison.Ordinal);
            Assert.InRange(double.Parse(header[..^2], CultureInfo.InvariantCulture), 0, 10_000);
            Assert.StartsWith("app;dur=", response.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sends_no_server_banner()
    {
        var response = await app.CreateClient().GetAsync("/healthz/live", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Server"));
        Assert.False(response.Headers.Contains("X-Powered-By"));
    }
}
