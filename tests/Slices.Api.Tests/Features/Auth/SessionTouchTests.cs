using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Slices.Api.Tests.Features.Auth;

public sealed class SessionTouchTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Requests_arriving_together_on_a_session_due_for_its_touch_update_it_once()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        await using var database = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var sessionId = await database.QuerySingleAsync<Guid>("SELECT id FROM sessions WHERE user_id = @AdminId AND revoked_at IS NULL", new { practice.AdminId });
        // Last seen two minutes ago, and not in Redis: every request below reads the session from the database and finds
        // it due for its once-a-minute touch.
        await database.ExecuteAsync("UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = @sessionId", new { sessionId });
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase(app.RedisDatabase);
        await redis.KeyDeleteAsync($"slices:session:{practice.PracticeId:N}:{sessionId:N}");

        var touches = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("db.namespace") as string == app.Database
                    && (a.GetTagItem("db.query.text") as string)?.StartsWith("UPDATE sessions SET last_seen_at", StringComparison.Ordinal) == true)
                    touches.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => admin.GetAsync("/api/v1/auth/me", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Single(touches);
        var lastSeen = await database.QuerySingleAsync<DateTimeOffset>("SELECT last_seen_at FROM sessions WHERE id = @sessionId", new { sessionId });
        Assert.InRange(DateTimeOffset.UtcNow - lastSeen, TimeSpan.Zero - TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30));
    }
}
