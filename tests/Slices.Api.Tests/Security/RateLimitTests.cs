using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Slices.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Slices.Api.Tests.Security;

public sealed class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Past_the_limit_is_a_429_problem_with_retry_after_and_every_response_shows_the_ratelimit_fields()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:PermitLimit"] = "3";
            s["RateLimiting:WindowSeconds"] = "3600"; // a burst never straddles two fixed windows
        });
        var client = app.CreateClient();

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) responses.Add(await client.GetAsync("/api/v1/info", Ct));

        Assert.All(responses.Take(3), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal("\"default\";q=3;w=3600", responses[0].Headers.GetValues("RateLimit-Policy").Single());
        Assert.StartsWith("\"default\";r=2;t=", responses[0].Headers.GetValues("RateLimit").Single(), StringComparison.Ordinal);
        await responses[3].AssertProblemAsync(429);
        Assert.InRange(int.Parse(responses[3].Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 3600);
    }

    [Fact]
    public async Task A_signed_in_user_is_counted_once_per_request_and_a_request_on_an_ended_session_against_its_address()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:PermitLimit"] = "6";
            s["RateLimiting:WindowSeconds"] = "3600";
        });
        var practice = await app.SignUpAsync(); // sign-up and sign-in: two requests from the address
        var admin = app.AsAdmin(practice);

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++) remaining.Add(Remaining(await admin.GetAsync("/api/v1/auth/me", Ct)));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/v1/auth/logout", null, Ct)).StatusCode);
        var afterLogout = await admin.GetAsync("/api/v1/auth/me", Ct);

        Assert.Equal(["5", "4", "3"], remaining);
        await afterLogout.AssertProblemAsync(401);
        Assert.Equal("3", Remaining(afterLogout)); // the address's third request, not the user's fifth

        static string Remaining(HttpResponseMessage response) => RateLimitField(response, "r");
    }

    [Fact]
    public async Task Health_probes_answer_past_the_address_limit_so_a_platforms_checkers_never_take_instances_out()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:PermitLimit"] = "2";
            s["RateLimiting:WindowSeconds"] = "3600";
        });
        var client = app.CreateClient();
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/info", Ct)).StatusCode);
        await (await client.GetAsync("/api/v1/info", Ct)).AssertProblemAsync(429);

        var probes = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            probes.Add(await client.GetAsync("/healthz/ready", Ct));
            probes.Add(await client.GetAsync("/healthz/live", Ct));
        }

        Assert.All(probes, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
        Assert.All(probes, p => Assert.False(p.Headers.Contains("RateLimit"), "a probe is not counted"));
        await (await client.GetAsync("/api/v1/info", Ct)).AssertProblemAsync(429); // the address is still limited elsewhere
    }

    [Fact]
    public async Task A_users_count_in_redis_expires_when_its_window_ends()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:PermitLimit"] = "50";
            s["RateLimiting:WindowSeconds"] = "3600";
        });
        var practice = await app.SignUpAsync();
        var window = TimeSpan.FromHours(1);
        var index = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)window.TotalMilliseconds;

        var response = await app.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resetIn = TimeSpan.FromSeconds(int.Parse(RateLimitField(response, "t"), System.Globalization.CultureInfo.InvariantCulture));
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = (RedisKey)$"slices:rl:default:user:{practice.AdminId}:{index}";
        if (!await redis.KeyExistsAsync(key)) key = $"slices:rl:default:user:{practice.AdminId}:{index + 1}"; // the hour turned meanwhile
        Assert.Equal(1, (long)await redis.StringGetAsync(key));
        // Kept until the window ends (plus a second for instances whose clocks differ), not a whole window from now.
        var ttl = await redis.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, resetIn - TimeSpan.FromSeconds(2), resetIn + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Two_instances_sharing_redis_admit_exactly_the_limit_between_them()
    {
        var responses = await FromTwoInstancesAsync(30, s => s["RateLimiting:PermitLimit"] = "20");

        Assert.Equal(20, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task A_busy_client_counts_against_a_lease_of_permits_yet_is_admitted_exactly_to_its_limit()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:PermitLimit"] = "100";
            s["RateLimiting:WindowSeconds"] = "3600";
            s["RateLimiting:LeasePercent"] = "10"; // ten permits from Redis at a time
        });
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var index = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / (long)TimeSpan.FromHours(1).TotalMilliseconds;

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 101; i++) responses.Add(await admin.GetAsync("/api/v1/auth/me", Ct));

        Assert.All(responses.Take(100), r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 100).Reverse().Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            responses.Take(100).Select(r => RateLimitField(r, "r"))); // each request's exact place in the count
        await responses[100].AssertProblemAsync(429);
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var counted = await redis.StringGetAsync($"slices:rl:default:user:{practice.AdminId}:{index}");
        if (counted.IsNull) counted = await redis.StringGetAsync($"slices:rl:default:user:{practice.AdminId}:{index + 1}"); // the hour turned meanwhile
        Assert.Equal(110, (long)counted); // eleven leases of ten, not 101 counts of one
    }

    [Fact]
    public async Task Two_instances_leasing_permits_never_admit_more_than_the_limit_between_them()
    {
        var responses = await FromTwoInstancesAsync(160, s =>
        {
            s["RateLimiting:PermitLimit"] = "100";
            s["RateLimiting:LeasePercent"] = "10";
        });

        var admitted = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.InRange(admitted, 81, 100); // at most a lease in use (less its first permit) and the next left unused on the other instance
        Assert.Equal(160 - admitted, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Sign_in_is_limited_per_account_even_from_many_addresses()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:AccountPermitLimit"] = "3";
            s["RateLimiting:AccountWindowSeconds"] = "3600";
            s["Http:TrustedProxies:0"] = "127.0.0.1";
        });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = "target@clinic.example", password = "guess number " + i }) };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            statuses.Add((await app.CreateClient().SendAsync(request, Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task A_client_cannot_escape_its_ip_limit_by_inventing_x_forwarded_for()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:CredentialsPermitLimit"] = "3";
            s["RateLimiting:CredentialsWindowSeconds"] = "3600";
        });
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email = $"user{i}@clinic.example", password = "guess" }) };
            request.Headers.Add("X-Forwarded-For", $"198.51.100.{i + 1}");
            statuses.Add((await app.CreateClient().SendAsync(request, Ct)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Without_redis_general_endpoints_serve_and_credential_endpoints_refuse_with_503()
    {
        await using var app = await SlicesApp.StartAsync(s => s["REDIS_URL"] = $"redis://127.0.0.1:{TestStack.DeadPort()}");

        var info = await app.CreateClient().GetAsync("/api/v1/info", Ct);
        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = "a@clinic.example", password = "whatever it is" }, Ct);

        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        await login.AssertProblemAsync(503);
        Assert.True(login.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task When_redis_stops_credentials_fail_closed_and_everything_recovers_when_it_returns()
    {
        await using var redis = await PrivateRedis.StartAsync();
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["REDIS_URL"] = redis.Url;
            s["RateLimiting:PermitLimit"] = "1000";
            s["RateLimiting:InstanceCount"] = "4";
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(client)).StatusCode);

        await redis.StopAsync();
        var refused = await EventuallyAsync(() => SignInAsync(client), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        await refused.AssertProblemAsync(503);
        Assert.True(refused.Headers.Contains("Retry-After"));
        var info = await client.GetAsync("/api/v1/info", Ct);
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal("\"default\";q=250;w=60", info.Headers.GetValues("RateLimit-Policy").Single()); // 1000 shared by 4 instances
        Assert.Equal("degraded", (await (await client.GetAsync("/api/health", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        Assert.Contains(app.Logs.Events, e => e.Level == Serilog.Events.LogEventLevel.Warning && e.MessageTemplate.Text.StartsWith("Rate limiting without Redis", StringComparison.Ordinal));

        await redis.StartAgainAsync();
        await EventuallyAsync(() => SignInAsync(client), r => r.StatusCode == HttpStatusCode.Unauthorized);
        info = await client.GetAsync("/api/v1/info", Ct);
        Assert.Equal("\"default\";q=1000;w=60", info.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Equal("healthy", (await (await client.GetAsync("/api/health", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
    }

    /// <summary>Sends that many anonymous requests at once, alternately to two instances sharing one Redis and the given limits (in an hour's window).</summary>
    private static async Task<HttpResponseMessage[]> FromTwoInstancesAsync(int requests, Action<Dictionary<string, string?>> limits)
    {
        await using var first = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:WindowSeconds"] = "3600";
            limits(s);
        });
        await using var second = await SlicesApp.StartAsync(s =>
        {
            s["RateLimiting:WindowSeconds"] = "3600";
            limits(s);
            s["REDIS_URL"] = first.Settings["REDIS_URL"];
        });
        var clients = new[] { first.CreateClient(), second.CreateClient() };
        return await Task.WhenAll(Enumerable.Range(0, requests).Select(i => clients[i % 2].GetAsync("/api/v1/info", Ct)));
    }

    /// <summary>One parameter of the response's RateLimit field (r: remaining, t: seconds to reset), for its one policy.</summary>
    private static string RateLimitField(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("RateLimit").Single().Split(';').Single(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..];

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client) =>
        client.PostAsJsonAsync("/api/v1/auth/login", new { email = "someone@clinic.example", password = "not the password" }, Ct);

    /// <summary>Asks until the answer satisfies the condition (the multiplexer notices and reconnects in the background), for at most 30 s.</summary>
    private static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> ask, Func<HttpResponseMessage, bool> condition)
    {
        var last = await ask();
        for (var attempt = 0; attempt < 300 && !condition(last); attempt++)
        {
            await Task.Delay(100, Ct);
            last = await ask();
        }
        Assert.True(condition(last), $"still {(int)last.StatusCode} after 30 s");
        return last;
    }

    [Fact]
    public async Task An_api_key_can_be_given_its_own_limit()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var practice = await app.SignUpAsync();
        var created = await (await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/api-keys", new { name = "Busy", scopes = new[] { "audit:read" } }, Ct)).JsonAsync(HttpStatusCode.Created);
        var patch = await app.AsAdmin(practice).PatchAsJsonAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}", new { rateLimit = 2 }, Ct);
        Assert.Equal(2, (await patch.JsonAsync(HttpStatusCode.OK)).GetProperty("rateLimit").GetInt32());
        var key = app.As(created.GetProperty("key").GetString()!);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++) statuses.Add((await key.GetAsync("/api/v1/audit/events", Ct)).StatusCode);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }
}
