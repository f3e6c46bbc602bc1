using System.Net;
using System.Text;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

public sealed class RequestLimitTests(RequestLimitTests.App app) : IClassFixture<RequestLimitTests.App>
{
    public sealed class App : SlicesApp
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            Settings["Http:MaxRequestHeadersBytes"] = "8192";
            // Long enough for a sign-up and login (Argon2id) on a busy CI machine, short enough to wait out.
            Settings["Http:RequestTimeoutSeconds"] = "5";
            base.ConfigureWebHost(builder);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_a_400_problem_on_a_real_endpoint()
    {
        var practice = await app.SignUpAsync();

        var deep = await app.AsAdmin(practice).PostAsync("/api/v1/patients", Json($"{{\"givenName\": {Nested(5000)}}}"), Ct);
        var shallow = await app.AsAdmin(practice).PostAsync("/api/v1/patients",
            Json("{\"givenName\": \"Ana\", \"familyName\": \"Lima\", \"dateOfBirth\": \"1990-01-01\"}"), Ct);

        await deep.AssertProblemAsync(400);
        Assert.Equal(HttpStatusCode.Created, shallow.StatusCode);
    }

    [Fact]
    public async Task Json_deeper_than_the_depth_limit_is_refused_even_where_any_shape_is_accepted()
    {
        // FastEndpoints keeps its serializer settings per process, so this proves the default (32) that every test app shares.
        var within = await app.CreateClient().PostAsync("/api/v1/test-probes/echo-any", Json($"{{\"data\": {Nested(30)}}}"), Ct);
        var beyond = await app.CreateClient().PostAsync("/api/v1/test-probes/echo-any", Json($"{{\"data\": {Nested(32)}}}"), Ct);

        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        var problem = await beyond.AssertProblemAsync(400);
        Assert.Contains("deeper than this API accepts", problem.GetProperty("errors").GetProperty("data")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Headers_larger_than_the_limit_are_refused_with_431()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("X-Padding", new string('a', 10_000));

        var response = await app.CreateClient().SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_request_past_the_timeout_is_a_504_problem_and_its_database_query_is_cancelled()
    {
        var response = await app.CreateClient().GetAsync("/api/v1/test-probes/sleep-in-database?seconds=30", Ct);

        await response.AssertProblemAsync(504);
        await using var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await connection.OpenAsync(Ct);
        await using var sleeping = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' AND state = 'active'", connection);
        long stillRunning = 1;
        for (var attempt = 0; attempt < 50 && stillRunning > 0; attempt++)
        {
            stillRunning = (long)(await sleeping.ExecuteScalarAsync(Ct))!;
            if (stillRunning > 0) await Task.Delay(100, Ct);
        }
        Assert.Equal(0, stillRunning);
    }
}
