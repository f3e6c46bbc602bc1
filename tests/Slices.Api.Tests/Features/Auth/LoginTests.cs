using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Auth;

public sealed class LoginTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Login_answers_a_bearer_access_token_and_a_refresh_token()
    {
        var practice = await app.SignUpAsync();

        var tokens = await app.LoginAsync(practice.AdminEmail, Accounts.Password);

        Assert.Equal("Bearer", tokens.GetProperty("tokenType").GetString());
        Assert.Equal(900, tokens.GetProperty("expiresIn").GetInt32());
        Assert.StartsWith("rt_", tokens.GetProperty("refreshToken").GetString(), StringComparison.Ordinal);
        var me = await app.As(tokens.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/auth/me", Ct);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var practice = await app.SignUpAsync();

        var wrongPassword = await PostLoginAsync(practice.AdminEmail, "not the password at all");
        var unknownEmail = await PostLoginAsync("nobody@nowhere.example", "not the password at all");

        var a = await wrongPassword.AssertProblemAsync(401);
        var b = await unknownEmail.AssertProblemAsync(401);
        Assert.Equal(a.GetProperty("detail").GetString(), b.GetProperty("detail").GetString());
        Assert.Equal(a.GetProperty("errors").ToString(), b.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task Ten_failures_in_fifteen_minutes_lock_the_account_even_against_the_right_password()
    {
        var practice = await app.SignUpAsync();

        for (var i = 0; i < 10; i++) await (await PostLoginAsync(practice.AdminEmail, $"wrong password {i}")).AssertProblemAsync(401);
        var rightPassword = await PostLoginAsync(practice.AdminEmail, Accounts.Password);

        await rightPassword.AssertProblemAsync(401);
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var lockedUntil = await owner.ExecuteScalarAsync<DateTimeOffset?>("SELECT locked_until FROM users WHERE id = @id", new { id = practice.AdminId });
        Assert.InRange(lockedUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));
        var reasons = await owner.QueryAsync<string>("SELECT data->>'reason' FROM events WHERE type = 'login.failed' AND stream = @stream", new { stream = $"user/{practice.AdminId}" });
        Assert.Equal(10, reasons.Count(r => r == "password"));
        Assert.Contains("locked", reasons);
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_their_live_token_stops_working_at_once()
    {
        var practice = await app.SignUpAsync();
        var (userId, email, token) = await app.AddUserAsync(practice, "clinician");
        Assert.Equal(HttpStatusCode.OK, (await app.As(token).GetAsync("/api/v1/auth/me", Ct)).StatusCode);

        var disabled = await app.AsAdmin(practice).PatchAsJsonAsync($"/api/v1/users/{userId}", new { disabled = true }, Ct);

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        await (await app.As(token).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
        await (await PostLoginAsync(email, Accounts.Password)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Logout_ends_the_session_for_its_access_and_refresh_tokens()
    {
        var practice = await app.SignUpAsync();

        var logout = await app.AsAdmin(practice).PostAsync("/api/v1/auth/logout", null, Ct);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await (await app.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
        await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = practice.RefreshToken }, Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Without_redis_sessions_are_checked_in_the_database()
    {
        var practice = await app.SignUpAsync();
        // A second instance on the same database whose Redis is away: sign-in there fails closed (503),
        // but sessions already issued keep working, checked in the database, and logout still holds.
        await using var redisDown = await SlicesApp.StartAsync(s =>
        {
            s["DATABASE_URL"] = TestStack.AppUrl(app.Database);
            s["REDIS_URL"] = $"redis://127.0.0.1:{TestStack.DeadPort()}";
        });

        var me = await redisDown.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct);
        var logout = await redisDown.AsAdmin(practice).PostAsync("/api/v1/auth/logout", null, Ct);
        var after = await redisDown.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private Task<HttpResponseMessage> PostLoginAsync(string email, string password) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password }, Ct);
}
