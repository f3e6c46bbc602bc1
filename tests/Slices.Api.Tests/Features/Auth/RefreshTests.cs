using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Auth;

public sealed class RefreshTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_token_is_rotated_on_every_use()
    {
        var practice = await app.SignUpAsync();

        var first = await (await RefreshAsync(practice.RefreshToken)).JsonAsync(HttpStatusCode.OK);
        var second = await (await RefreshAsync(first.GetProperty("refreshToken").GetString()!)).JsonAsync(HttpStatusCode.OK);

        Assert.NotEqual(practice.RefreshToken, first.GetProperty("refreshToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.As(second.GetProperty("accessToken").GetString()!).GetAsync("/api/v1/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_ends_the_whole_session_and_is_audited()
    {
        var practice = await app.SignUpAsync();
        var rotated = await (await RefreshAsync(practice.RefreshToken)).JsonAsync(HttpStatusCode.OK);
        var currentAccess = rotated.GetProperty("accessToken").GetString()!;

        await (await RefreshAsync(practice.RefreshToken)).AssertProblemAsync(401);

        await (await app.As(currentAccess).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(401);
        await (await RefreshAsync(rotated.GetProperty("refreshToken").GetString()!)).AssertProblemAsync(401);
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        Assert.Equal(1, await owner.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM events WHERE type = 'session.refresh_reuse_detected' AND practice_id = @p", new { p = practice.PracticeId }));
    }

    [Theory]
    [InlineData("rt_notbase64!!")]
    [InlineData("rt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("something else")]
    public async Task Unknown_or_malformed_refresh_tokens_are_401(string token)
    {
        await (await RefreshAsync(token)).AssertProblemAsync(401);
    }

    private Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken }, Ct);
}
