using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Users;

public sealed class UserManagementTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_clinician_may_not_manage_users_and_the_403_names_the_permission()
    {
        var practice = await app.SignUpAsync();
        var (_, _, clinician) = await app.AddUserAsync(practice, "clinician");

        var response = await app.As(clinician).GetAsync("/api/v1/users", Ct);

        var problem = await response.AssertProblemAsync(403);
        Assert.Contains("users:manage", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_role_applies_to_the_users_very_next_request()
    {
        var practice = await app.SignUpAsync();
        var (id, _, token) = await app.AddUserAsync(practice, "staff");
        Assert.Equal(HttpStatusCode.Forbidden, (await app.As(token).GetAsync("/api/v1/users", Ct)).StatusCode);

        var promoted = await app.AsAdmin(practice).PatchAsJsonAsync($"/api/v1/users/{id}", new { role = "admin" }, Ct);

        Assert.Equal("admin", (await promoted.JsonAsync(HttpStatusCode.OK)).GetProperty("role").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.As(token).GetAsync("/api/v1/users", Ct)).StatusCode);
    }

    [Fact]
    public async Task Users_are_listed_a_page_at_a_time_with_a_cursor()
    {
        var practice = await app.SignUpAsync();
        for (var i = 0; i < 3; i++) await app.AddUserAsync(practice, "staff");

        var first = await (await app.AsAdmin(practice).GetAsync("/api/v1/users?limit=2", Ct)).JsonAsync(HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await app.AsAdmin(practice).GetAsync($"/api/v1/users?limit=2&cursor={cursor}", Ct)).JsonAsync(HttpStatusCode.OK);

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(u => u.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(4, ids.Distinct().Count());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("not-a-cursor")]
    [InlineData("czo0Mg")]
    public async Task A_tampered_cursor_is_a_400(string cursor)
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).GetAsync($"/api/v1/users?cursor={cursor}", Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task An_admin_cannot_demote_or_disable_themselves()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PatchAsJsonAsync($"/api/v1/users/{practice.AdminId}", new { disabled = true }, Ct);

        await response.AssertProblemAsync(409);
    }

    [Fact]
    public async Task Bad_user_input_gets_field_errors()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/users", new { name = "", email = "not-an-email", role = "superuser", password = "short" }, Ct);

        var errors = (await response.AssertProblemAsync(400)).GetProperty("errors");
        foreach (var field in new[] { "name", "email", "role", "password" }) Assert.True(errors.TryGetProperty(field, out _), field);
    }
}
