using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Health;

public sealed class HealthTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    [Fact]
    public async Task Reports_healthy_with_each_dependency_and_its_latency()
    {
        var response = await app.CreateClient().GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
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
}
