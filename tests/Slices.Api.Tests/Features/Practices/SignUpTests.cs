using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Practices;

public sealed class SignUpTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_up_creates_the_practice_its_admin_and_their_audit_events()
    {
        var practice = await app.SignUpAsync();

        var me = await (await app.AsAdmin(practice).GetAsync("/api/v1/auth/me", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(practice.AdminId, me.GetProperty("userId").GetGuid());
        Assert.Equal("admin", me.GetProperty("role").GetString());
        Assert.Equal("Harbour Family Clinic", me.GetProperty("practiceName").GetString());

        var events = await (await app.AsAdmin(practice).GetAsync("/api/v1/audit/events", Ct)).JsonAsync(HttpStatusCode.OK);
        var types = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("practice.created", types);
        Assert.Contains("user.created", types);
        Assert.Contains("login.succeeded", types);
    }

    [Fact]
    public async Task The_password_is_stored_as_an_argon2id_hash_only()
    {
        var practice = await app.SignUpAsync();

        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var hash = await owner.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE id = @id", new { id = practice.AdminId });
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(Accounts.Password, hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short pass")]
    [InlineData("")]
    public async Task A_password_outside_12_to_128_characters_is_rejected(string password)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/practices",
            new { practiceName = "Clinic", adminName = "A", adminEmail = Accounts.UniqueEmail(), adminPassword = password }, Ct);

        var problem = await response.AssertProblemAsync(400);
        Assert.True(problem.GetProperty("errors").TryGetProperty("adminPassword", out _));
    }

    [Fact]
    public async Task A_password_over_128_characters_is_rejected()
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/practices",
            new { practiceName = "Clinic", adminName = "A", adminEmail = Accounts.UniqueEmail(), adminPassword = new string('p', 129) }, Ct);

        await response.AssertProblemAsync(400);
    }

    [Fact]
    public async Task An_email_already_in_use_is_a_409_that_names_no_practice()
    {
        var first = await app.SignUpAsync("Northside Surgery");

        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/practices",
            new { practiceName = "Other", adminName = "B", adminEmail = first.AdminEmail.ToUpperInvariant(), adminPassword = Accounts.Password }, Ct);

        var problem = await response.AssertProblemAsync(409);
        Assert.DoesNotContain("Northside", problem.ToString(), StringComparison.Ordinal);
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        Assert.Equal(0, await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM practices WHERE name = 'Other'"));
    }
}
