using System.Text;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class RequestLoggingTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_one_json_completion_line_per_request_with_route_status_timing_and_ids()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/info", Ct);
        var requestId = response.Headers.GetValues("X-Request-ID").Single();

        var line = Assert.Single(await app.Logs.CompletionLinesAsync(requestId));
        var json = JsonDocument.Parse(app.Logs.JsonLines.Single(l => l.Contains(requestId, StringComparison.Ordinal) && l.Contains("responded", StringComparison.Ordinal))).RootElement;

        Assert.Equal("GET", json.GetProperty("RequestMethod").GetString());
        Assert.Equal("/api/v1/info", json.GetProperty("RouteTemplate").GetString());
        Assert.Equal(200, json.GetProperty("StatusCode").GetInt32());
        Assert.True(json.GetProperty("Elapsed").GetDouble() >= 0);
        Assert.Equal(requestId, json.GetProperty("RequestId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", json.GetProperty("TraceId").GetString());
        Assert.Equal(Serilog.Events.LogEventLevel.Information, line.Level);
    }

    [Fact]
    public async Task Logs_rejected_and_unmatched_requests_too()
    {
        var response = await app.CreateClient().GetAsync("/no/such/page?q=x", Ct);

        var line = Assert.Single(await app.Logs.CompletionLinesAsync(response.Headers.GetValues("X-Request-ID").Single()));
        Assert.Equal("404", line.Properties["StatusCode"].ToString());
        Assert.Equal("\"(unmatched)\"", line.Properties["RouteTemplate"].ToString());
    }

    [Fact]
    public async Task Never_logs_request_bodies_or_query_strings()
    {
        const string secret = "Jane-Roe-1970-01-01";
        var response = await app.CreateClient().PostAsync($"/api/v1/test-probes/echo?dob={secret}",
            new StringContent($"{{\"name\": \"{secret}\", \"count\": 1}}", Encoding.UTF8, "application/json"), Ct);
        await app.Logs.CompletionLinesAsync(response.Headers.GetValues("X-Request-ID").Single());

        Assert.DoesNotContain(app.Logs.JsonLines, l => l.Contains(secret, StringComparison.Ordinal));
    }
}
