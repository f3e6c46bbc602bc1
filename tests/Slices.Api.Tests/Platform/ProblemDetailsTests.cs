using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Slices.Api.Tests.Infrastructure;
using Slices.Api.Tests.Infrastructure.Probes;

namespace Slices.Api.Tests.Platform;

public sealed class ProblemDetailsTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private const string Echo = "/api/v1/test-probes/echo";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unknown_route_is_a_404_problem()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/nothing-here", Ct);

        var problem = await response.AssertProblemAsync(404);
        Assert.Contains("/docs", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_method_is_a_405_problem()
    {
        var response = await app.CreateClient().DeleteAsync("/api/health", Ct);

        var problem = await response.AssertProblemAsync(405);
        Assert.Equal(["GET"], response.Content.Headers.Allow);
        Assert.Contains("DELETE", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"name\": \"Ann\", ")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task Malformed_json_is_a_400_naming_the_problem(string body)
    {
        var response = await PostAsync(body);

        var problem = await response.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_field()
    {
        var response = await PostAsync("{\"name\": \"Ann\", \"count\": \"three\"}");

        var problem = await response.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("count", out _));
        Assert.DoesNotContain("System.", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_field_is_rejected_by_name()
    {
        var response = await PostAsync("{\"name\": \"Ann\", \"count\": 1, \"isAdmin\": true}");

        var problem = await response.AssertProblemAsync(400);
        Assert.Contains("not part of the request", problem.GetProperty("errors").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_failures_are_listed_per_field()
    {
        var response = await PostAsync("{\"name\": \"\", \"count\": 99}");

        var problem = await response.AssertProblemAsync(400);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("count", out _));
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_before_it_is_read()
    {
        // The client offers the body with Expect: 100-continue and waits for the server to ask for it: the 413 comes
        // back without a byte of the body sent. (Sent at once, the server's answer and close raced the client's write,
        // which then failed with a broken pipe before it read the 413.)
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(1) }) { BaseAddress = app.CreateClient().BaseAddress };
        var request = new HttpRequestMessage(HttpMethod.Post, Echo)
        {
            Content = new StringContent("{\"name\": \"" + new string('x', 2 * 1024 * 1024) + "\", \"count\": 1}", Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;

        var response = await client.SendAsync(request, Ct);

        var problem = await response.AssertProblemAsync(413);
        Assert.Contains("1048576", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_the_limit_is_a_413()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\": \"" + new string('x', 2 * 1024 * 1024) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, Echo) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await app.CreateClient().SendAsync(request, Ct);

        await response.AssertProblemAsync(413);
    }

    [Fact]
    public async Task An_unhandled_exception_is_a_500_without_internals()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/test-probes/fail", Ct);

        var problem = await response.AssertProblemAsync(500);
        var text = problem.ToString();
        Assert.DoesNotContain("SELECT", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane Roe", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Events, e => e.Exception?.Message == Fail.SecretMessage);
        var line = Assert.Single(await app.Logs.CompletionLinesAsync(response.Headers.GetValues("X-Request-ID").Single()));
        Assert.Equal("\"/api/v1/test-probes/fail\"", line.Properties["RouteTemplate"].ToString());
        Assert.Equal(Serilog.Events.LogEventLevel.Error, line.Level);
    }

    [Fact]
    public async Task A_valid_request_passes_through()
    {
        var response = await PostAsync("{\"name\": \"Ann\", \"count\": 3}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"name\":\"Ann\",\"count\":3}", await response.Content.ReadAsStringAsync(Ct));
    }

    private Task<HttpResponseMessage> PostAsync(string json) =>
        app.CreateClient().PostAsync(Echo, new StringContent(json, Encoding.UTF8, "application/json"), Ct);
}
