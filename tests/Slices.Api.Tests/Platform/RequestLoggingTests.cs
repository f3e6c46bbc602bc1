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
    public async Task Every_line_a_request_logs_carries_the_request_id_the_client_was_given()
    {
        var practice = await app.SignUpAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/patients?q=a%00b");
        request.Headers.Add("X-Request-ID", $"support-{Guid.NewGuid():N}");
        var response = await app.AsAdmin(practice).SendAsync(request, Ct);
        var requestId = response.Headers.GetValues("X-Request-ID").Single();
        Assert.Equal(request.Headers.GetValues("X-Request-ID").Single(), requestId);
        await app.Logs.CompletionLinesAsync(requestId);

        // The database refuses the NUL; the exception handler logs that through ILogger, beside the completion line.
        var traceId = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("traceId").GetString();
        var rejected = Assert.Single(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Request rejected with", StringComparison.Ordinal)
                                                         && e.Properties["TraceId"].ToString() == $"\"{traceId}\"");
        Assert.Equal($"\"{requestId}\"", rejected.Properties["RequestId"].ToString());
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

    [Fact]
    public async Task The_running_process_writes_every_event_to_stdout_as_one_whole_json_line_under_concurrent_requests()
    {
        var database = await TestDatabases.CloneAsync();
        var port = TestStack.DeadPort();
        try
        {
            await using var process = AppProcess.Serve(database, port, new Dictionary<string, string?> { ["Https__Require"] = "false" });
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await process.WaitUntilReadyAsync(client);

            // Long request ids make each completion line several times the 256 bytes Console.Out wrote at a time; the
            // unmatched paths put two-byte and four-byte UTF-8 characters in the lines.
            var requests = Enumerable.Range(0, 240).Select(i => (Id: $"stdout-{i:D3}-{new string('x', 100)}", Path: i % 3 == 0 ? $"/no/such/päge-{i}-🩺" : "/api/v1/info")).ToArray();
            await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 24, CancellationToken = Ct }, async (request, ct) =>
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, request.Path);
                message.Headers.Add("X-Request-ID", request.Id);
                using var response = await client.SendAsync(message, ct);
            });
            await Eventually.TrueAsync(() => requests.All(r => process.Stdout.Contains(r.Id, StringComparison.Ordinal)), "a completion line for every request");

            var events = process.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            var completions = events.Where(e => e.TryGetProperty("RequestId", out var id) && id.GetString()!.StartsWith("stdout-", StringComparison.Ordinal)
                                                && e.GetProperty("@m").GetString()!.StartsWith("HTTP ", StringComparison.Ordinal))
                .ToDictionary(e => e.GetProperty("RequestId").GetString()!, e => e.GetProperty("RequestPath").GetString());
            Assert.Equal(requests.Length, completions.Count);
            Assert.All(requests, r => Assert.Equal(r.Path, completions[r.Id]));
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }
}
