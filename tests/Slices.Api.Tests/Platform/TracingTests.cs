using System.Collections.Concurrent;
using System.Diagnostics;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class TracingTests(TracingTests.App app) : IClassFixture<TracingTests.App>
{
    public sealed class App : SlicesApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Settings["Telemetry:SlowQueryMs"] = "150";
            base.ConfigureWebHost(builder);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_callers_traceparent_is_continued_in_the_response_and_the_logs()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var address = app.CreateClient().BaseAddress!;

        // Raw HTTP, as a foreign caller sends it: this process's own HttpClient tracing would rewrite the header.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, Ct);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
            $"GET /api/v1/no-such-thing HTTP/1.1\r\nHost: {address.Authority}\r\ntraceparent: 00-{traceId}-00f067aa0ba902b7-01\r\nX-Request-ID: traceparent-proof\r\nConnection: close\r\n\r\n"), Ct);
        using var reader = new StreamReader(stream);
        var response = await reader.ReadToEndAsync(Ct);

        Assert.StartsWith("HTTP/1.1 404", response, StringComparison.Ordinal);
        Assert.Contains($"\"traceId\":\"{traceId}\"", response, StringComparison.Ordinal);
        var line = Assert.Single(await app.Logs.CompletionLinesAsync("traceparent-proof"));
        Assert.Equal($"\"{traceId}\"", line.Properties["TraceId"].ToString());
    }

    [Fact]
    public async Task The_request_span_carries_the_request_id_and_database_commands_are_its_children()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Request-ID", "trace-proof-1");

        await app.CreateClient().SendAsync(request, Ct);

        var root = await Eventually.ValueAsync(() => Task.FromResult(stopped.FirstOrDefault(a => a.GetTagItem("slices.request_id") as string == "trace-proof-1")),
            a => a is not null, "the request span with its request id");
        Assert.Contains(stopped, a => a.Source.Name == "Npgsql" && a.TraceId == root!.TraceId);
    }

    [Fact]
    public async Task A_database_command_over_the_threshold_is_logged_with_its_slice_and_statement_but_no_values()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/test-probes/sleep-in-database?seconds=0.25", Ct);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        // Other slow commands of a busy test run may be logged too: find this slice's.
        var slow = await Eventually.ValueAsync(() => Task.FromResult(app.Logs.Events.FirstOrDefault(e => e.MessageTemplate.Text.StartsWith("Slow database command", StringComparison.Ordinal)
                && e.Properties["Slice"].ToString() == "\"GET /api/v1/test-probes/sleep-in-database\"")),
            e => e is not null, "the slow-query line with its slice");
        Assert.Equal(Serilog.Events.LogEventLevel.Warning, slow!.Level);
        Assert.Contains("pg_sleep", slow.Properties["Statement"].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("0.25", slow.RenderMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
