using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Health;

public sealed class HealthTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reports_healthy_with_each_dependency_and_its_latency()
    {
        var (status, body) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
        foreach (var service in new[] { "database", "redis" })
        {
            var dependency = body.GetProperty("services").GetProperty(service);
            Assert.Equal("healthy", dependency.GetProperty("status").GetString());
            Assert.True(dependency.GetProperty("healthy").GetBoolean());
            Assert.InRange(dependency.GetProperty("latencyMs").GetDouble(), 0, 3000);
        }
    }

    [Fact]
    public async Task Redis_down_is_degraded_and_still_200()
    {
        await using var redisDown = await SlicesApp.StartAsync(s => s["REDIS_URL"] = $"redis://127.0.0.1:{TestStack.DeadPort()}");

        var (status, body) = await HealthAsync(redisDown);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("services").GetProperty("redis").GetProperty("healthy").GetBoolean());
        Assert.True(body.GetProperty("services").GetProperty("database").GetProperty("healthy").GetBoolean());
    }

    [Fact]
    public async Task Database_down_is_unhealthy_503_and_not_ready()
    {
        await using var databaseDown = await SlicesApp.StartAsync(s =>
        {
            s["DATABASE_URL"] = $"postgres://slices_app@127.0.0.1:{TestStack.DeadPort()}/slices";
            s["Database:MigrateOnStart"] = "false";
            s["Database:MaxRetries"] = "0";
        });

        var (status, body) = await HealthAsync(databaseDown);
        var ready = await databaseDown.CreateClient().GetAsync("/healthz/ready", Ct);
        var live = await databaseDown.CreateClient().GetAsync("/healthz/live", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("services").GetProperty("database").GetProperty("healthy").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("database_unreachable", (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Ready_when_the_database_answers_and_migrations_are_applied()
    {
        var ready = await app.CreateClient().GetAsync("/healthz/ready", Ct);
        var live = await app.CreateClient().GetAsync("/healthz/live", Ct);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("no-store", ready.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Not_ready_while_migrations_are_pending()
    {
        await using var unmigrated = await SlicesApp.StartAsync(s => s["Database:MigrateOnStart"] = "false", cloneDatabase: false);

        var ready = await unmigrated.CreateClient().GetAsync("/healthz/ready", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("migrations_pending", (await ready.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("reason").GetString());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> HealthAsync(SlicesApp target)
    {
        var response = await target.CreateClient().GetAsync("/api/health", Ct);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }
}
