using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.ApiKeys;

public sealed class ApiKeyTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_is_shown_once_stored_hashed_and_works_within_its_scopes_by_either_header()
    {
        var practice = await app.SignUpAsync();
        var key = await CreateKeyAsync(practice, "audit:read");

        var byHeader = app.CreateClient();
        byHeader.DefaultRequestHeaders.Add("X-API-Key", key);
        var byBearer = app.As(key);

        Assert.Equal(HttpStatusCode.OK, (await byHeader.GetAsync("/api/v1/audit/events", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await byBearer.GetAsync("/api/v1/audit/events", Ct)).StatusCode);
        var outOfScope = await byHeader.GetAsync("/api/v1/users", Ct);
        Assert.Contains("users:manage", (await outOfScope.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var listed = await (await app.AsAdmin(practice).GetAsync("/api/v1/api-keys", Ct)).JsonAsync(HttpStatusCode.OK);
        var item = listed.GetProperty("items").EnumerateArray().Single();
        Assert.False(item.TryGetProperty("key", out _));
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, item.GetProperty("lastUsedAt").ValueKind);
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var stored = await owner.QuerySingleAsync<byte[]>("SELECT secret_hash FROM api_keys WHERE practice_id = @p", new { p = practice.PracticeId });
        Assert.Equal(32, stored.Length);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_and_revocation_is_audited()
    {
        var practice = await app.SignUpAsync();
        var created = await (await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/api-keys", new { name = "Reminders", scopes = new[] { "audit:read" } }, Ct)).JsonAsync(HttpStatusCode.Created);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", created.GetProperty("key").GetString());

        var revoke = await app.AsAdmin(practice).DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}", Ct);
        var again = await app.AsAdmin(practice).DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        await (await client.GetAsync("/api/v1/audit/events", Ct)).AssertProblemAsync(401);
        var events = await (await app.AsAdmin(practice).GetAsync("/api/v1/audit/events?type=api_key.revoked", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(events.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("sk_live_garbage")]
    [InlineData("sk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unknown_or_malformed_keys_are_401(string key)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key);

        await (await client.GetAsync("/api/v1/audit/events", Ct)).AssertProblemAsync(401);
    }

    [Fact]
    public async Task Unknown_scopes_are_rejected()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/api-keys", new { name = "x", scopes = new[] { "everything" } }, Ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_key_cannot_act_as_a_user()
    {
        var practice = await app.SignUpAsync();
        var key = await CreateKeyAsync(practice, "audit:read");

        await (await app.As(key).GetAsync("/api/v1/auth/me", Ct)).AssertProblemAsync(403);
    }

    private async Task<string> CreateKeyAsync(Practice practice, params string[] scopes)
    {
        var created = await (await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/api-keys", new { name = "Integration", scopes }, Ct)).JsonAsync(HttpStatusCode.Created);
        var key = created.GetProperty("key").GetString()!;
        Assert.StartsWith("sk_live_", key, StringComparison.Ordinal);
        return key;
    }
}
