using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, traces and metrics leave over OTLP/HTTP to the collector named there.</summary>
public sealed class OtlpExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Traces_with_the_request_id_and_metrics_reach_the_otlp_endpoint()
    {
        var received = new ConcurrentQueue<(string Path, byte[] Body)>();
        await using var collector = LoopbackServer.Create();
        collector.MapPost("/v1/{signal}", (Func<HttpContext, Task<IResult>>)(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            received.Enqueue((http.Request.Path, buffer.ToArray()));
            return Results.Ok();
        }));
        await collector.StartAsync(Ct);

        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Urls.First();
            s["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            s["OTEL_BSP_SCHEDULE_DELAY"] = "100";
            s["OTEL_METRIC_EXPORT_INTERVAL"] = "200";
        });
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Request-ID", "otlp-proof-1");
        await app.CreateClient().SendAsync(request, Ct);

        // OTLP is protobuf: its strings travel as UTF-8 bytes, so the tag and its value can be found in the payload.
        await Eventually.TrueAsync(() => received.Any(r => r.Path == "/v1/traces" && Contains(r.Body, "slices.request_id") && Contains(r.Body, "otlp-proof-1")),
            "a trace with the request id");
        await Eventually.TrueAsync(() => received.Any(r => r.Path == "/v1/metrics" && Contains(r.Body, "http.server.request.duration")), "the request metrics");
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
