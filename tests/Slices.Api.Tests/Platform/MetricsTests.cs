using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class MetricsTests(MetricsTests.App app) : IClassFixture<MetricsTests.App>
{
    public const string Token = "metrics-scraper-token-0123456789abcdef0123";

    public sealed class App : SlicesApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Settings["METRICS_TOKEN"] = Token;
            Settings["RateLimiting:CredentialsPermitLimit"] = "6"; // the workload's sign-up and sign-ins, then a rejection
            Settings["RateLimiting:CredentialsWindowSeconds"] = "3600";
            base.ConfigureWebHost(builder);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<string> ScrapeAsync() => ScrapeAsync(app);

    internal static async Task<string> ScrapeAsync(SlicesApp app)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var response = await app.CreateClient().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task With_a_management_port_the_api_still_serves_its_own_port_and_metrics_are_only_on_the_management_one()
    {
        var database = await TestDatabases.CloneAsync();
        var port = TestStack.DeadPort();
        var metricsPort = TestStack.DeadPort();
        while (metricsPort == port) metricsPort = TestStack.DeadPort();
        try
        {
            await using var process = AppProcess.Serve(database, port, new Dictionary<string, string?> { ["METRICS_PORT"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
            await process.WaitUntilReadyAsync(api);

            var scrape = await management.GetAsync("/metrics", Ct);
            Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
            Assert.Contains("dotnet_gc_heap_total_allocated_bytes_total", await scrape.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            await (await management.GetAsync("/healthz/ready", Ct)).AssertProblemAsync(404);
            await (await api.GetAsync("/metrics", Ct)).AssertProblemAsync(404);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    [Fact]
    public async Task Metrics_need_the_token()
    {
        var anonymous = await app.CreateClient().GetAsync("/metrics", Ct);
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");

        await anonymous.AssertProblemAsync(401);
        await (await app.CreateClient().SendAsync(wrong, Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task After_a_small_workload_the_scrape_has_request_database_runtime_and_business_metrics()
    {
        var clinic = await Clinic.OpenAsync(app);
        var booked = await (await clinic.BookAsync(Clinic.Slot(10))).JsonAsync(HttpStatusCode.Created);
        await clinic.Admin.PostAsJsonAsync($"/api/v1/appointments/{booked.GetProperty("id").GetGuid()}/cancel", new { reason = "Unwell" }, Ct);
        for (var i = 0; i < 2; i++) // the second read is served from the cache, and logged through the shared writer
            Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)).StatusCode);
        for (var i = 0; i < 6; i++) // wrong passwords: failed sign-ins, then the credential limit refuses
            await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = clinic.Practice.AdminEmail, password = "not the password at all" }, Ct);

        var text = await Eventually.ValueAsync(ScrapeAsync, t => t.Contains("type=\"appointment.cancelled\"", StringComparison.Ordinal), "the business counters are exported");

        foreach (var expected in new[]
        {
            "http_server_request_duration_seconds_bucket{", "http_route=\"/api/v1/appointments\"", "http_response_status_code=\"201\"", // per route and status
            "db_client_operation_duration_seconds_bucket{", "db_client_connection_count{", "db_client_connection_max{", // queries and the pool
            "slices_redis_duration_seconds_bucket{", "operation=\"rate_limit\"", // Redis latency
            "dotnet_gc_collections_total", "dotnet_process_memory_working_set_bytes", "dotnet_thread_pool_thread_count", // runtime
            "slices_events_total{", "type=\"patient.created\"", "type=\"appointment.scheduled\"", "type=\"login.failed\"", // business
            "slices_rate_limit_rejections_total{",
            "slices_access_log_wait_seconds_bucket{", "slices_access_log_write_duration_seconds_bucket{", "slices_access_log_rows_per_write_bucket{", // the PHI log's writer
        })
            Assert.Contains(expected, text, StringComparison.Ordinal);
    }
}
