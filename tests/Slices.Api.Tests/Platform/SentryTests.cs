using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>
/// Sentry's SDK is process-wide: while this class's app has it started, a server error in any other test's app is
/// sent to this fake server too (ProblemDetailsTests' failing probe names a patient in its exception message, on
/// purpose). These tests read everything the server received, so they run alone.
/// </summary>
[CollectionDefinition(nameof(SentryTests), DisableParallelization = true)]
public sealed class SentryCollection;

/// <summary>What reaches Sentry, received by a fake ingestion server: every server error once, tagged, and no PHI.</summary>
[Collection(nameof(SentryTests))]
public sealed class SentryTests(SentryTests.App app) : IClassFixture<SentryTests.App>
{
    public const string Release = "test-release-7f3a2c1";

    public sealed class App : SlicesApp
    {
        public FakeSentry Sentry { get; } = FakeSentry.StartAsync().GetAwaiter().GetResult();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Settings["SENTRY_DSN"] = Sentry.Dsn;
            Settings["SLICES_RELEASE"] = Release;
            Settings["Http:RequestTimeoutSeconds"] = "1";
            Settings["Telemetry:TracesSampleRate"] = "1";
            base.ConfigureWebHost(builder);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Sentry.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The events about one request (other tests' apps share this process, and the SDK is process-wide).</summary>
    private async Task<List<JsonElement>> EventsForAsync(HttpResponseMessage response)
    {
        var requestId = response.Headers.GetValues("X-Request-ID").Single();
        await global::Sentry.SentrySdk.FlushAsync(TimeSpan.FromSeconds(5));
        return await Eventually.ValueAsync(() => Task.FromResult(app.Sentry.Events().Where(e => FakeSentry.Tag(e, "request_id") == requestId).ToList()), l => l.Count > 0, $"an event for {requestId}");
    }

    [Fact]
    public async Task An_unhandled_exception_arrives_once_tagged_and_without_the_body_query_or_credentials()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/test-probes/fail-with-body?email=jane.roe%40example.com&dob=1961-07-23")
        {
            Content = new StringContent("""{"name": "Jane Roe", "email": "jane.roe@example.com"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer secret-token-that-must-not-travel");
        request.Headers.Add("Cookie", "__Host-slices_access=another-secret");

        var response = await app.CreateClient().SendAsync(request, Ct);
        await Task.Delay(500, Ct); // let any second capture of the same failure arrive too

        await response.AssertProblemAsync(500);
        var sent = Assert.Single(await EventsForAsync(response));
        Assert.Equal("/api/v1/test-probes/fail-with-body", FakeSentry.Tag(sent, "route"));
        Assert.Equal("500", FakeSentry.Tag(sent, "status"));
        Assert.Equal(Release, sent.GetProperty("release").GetString());
        Assert.Equal("testing", sent.GetProperty("environment").GetString());
        Assert.Contains("Simulated failure", sent.GetProperty("exception").ToString(), StringComparison.Ordinal);
        var everything = string.Join("\n", app.Sentry.Envelopes);
        foreach (var secret in new[] { "Jane Roe", "jane.roe@example.com", "jane.roe%40example.com", "1961-07-23", "secret-token-that-must-not-travel", "another-secret" })
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emails_phone_numbers_and_dates_in_an_exception_message_are_masked()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/test-probes/fail-mentioning-contact", Ct);

        var sent = Assert.Single(await EventsForAsync(response));
        var exception = sent.GetProperty("exception").ToString();
        Assert.Contains("Could not notify [email] at [phone] about the visit on [date]", exception, StringComparison.Ordinal);
        Assert.DoesNotContain("+447700900123", string.Join("\n", app.Sentry.Envelopes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_without_an_exception_arrives_as_one_message_for_its_status_and_route()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/test-probes/sleep-in-database?seconds=5", Ct);

        await response.AssertProblemAsync(504);
        var sent = Assert.Single(await EventsForAsync(response));
        Assert.Equal("HTTP 504 GET /api/v1/test-probes/sleep-in-database", sent.GetProperty("logentry").GetProperty("message").GetString());
        Assert.Equal("/api/v1/test-probes/sleep-in-database", FakeSentry.Tag(sent, "route"));
    }

    [Fact]
    public async Task Performance_traces_name_the_route_and_carry_no_query_string()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/no-such-thing?email=jane.roe%40example.com", Ct);
        await global::Sentry.SentrySdk.FlushAsync(TimeSpan.FromSeconds(5));

        await response.AssertProblemAsync(404);
        await Eventually.TrueAsync(() => app.Sentry.Envelopes.Any(e => e.Contains("\"type\":\"transaction\"", StringComparison.Ordinal)), "a transaction");
        Assert.DoesNotContain("jane.roe", string.Join("\n", app.Sentry.Envelopes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_errors_are_not_sent()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/no-such-thing", Ct);
        var requestId = response.Headers.GetValues("X-Request-ID").Single();
        await global::Sentry.SentrySdk.FlushAsync(TimeSpan.FromSeconds(5));

        await response.AssertProblemAsync(404);
        Assert.DoesNotContain(app.Sentry.Events(), e => FakeSentry.Tag(e, "request_id") == requestId);
    }

    [Fact]
    public async Task Without_a_dsn_nothing_of_sentry_is_installed()
    {
        await using var plain = await SlicesApp.StartAsync(_ => { });

        Assert.Null(plain.Services.GetService<global::Sentry.IHub>());
        Assert.NotNull(app.Services.GetService<global::Sentry.IHub>());
    }
}
