using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class ShutdownTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_slow_request_in_flight_completes_while_readiness_turns_503_and_new_connections_are_then_refused()
    {
        var app = await SlicesApp.StartAsync(s => s["Shutdown:DrainDelaySeconds"] = "2");
        var client = app.CreateClient();
        var baseAddress = client.BaseAddress!;

        var slow = client.GetAsync("/api/v1/test-probes/slow?ms=4000", Ct);
        await Task.Delay(300, Ct);
        // What SIGTERM does: the host's lifetime is told to stop, and the entry point stops the host.
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await Task.Delay(300, Ct);

        var ready = await new HttpClient { BaseAddress = baseAddress }.GetAsync("/healthz/ready", Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("shutting_down", (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reason").GetString());

        await Task.Delay(2200, Ct); // past the drain delay: the listener is closed, the slow request still running
        await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient { BaseAddress = baseAddress }.GetAsync("/healthz/live", Ct));

        var finished = await slow;
        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        Assert.Equal("\"finished\"", await finished.Content.ReadAsStringAsync(Ct));
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Sigterm_stops_the_process_cleanly_with_exit_code_0()
    {
        var database = await TestDatabases.CloneAsync();
        var port = TestStack.DeadPort();
        try
        {
            await using var process = AppProcess.Serve(database, port, new Dictionary<string, string?> { ["Shutdown__DrainDelaySeconds"] = "0" });
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await process.WaitUntilReadyAsync(client);

            Assert.Equal(0, Kill(process.Id, 15));

            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("Shutdown complete", process.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
