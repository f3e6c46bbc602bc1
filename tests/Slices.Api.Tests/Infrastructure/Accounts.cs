using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>A signed-up practice with its admin signed in, the way an integrator's code would do it.</summary>
public sealed record Practice(Guid PracticeId, Guid AdminId, string AdminEmail, string AdminPassword, string AccessToken, string RefreshToken);

public static class Accounts
{
    public const string Password = "correct horse battery staple";
    private static int _emails;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string UniqueEmail(string who = "user") => $"{who}.{Environment.ProcessId}.{Interlocked.Increment(ref _emails)}@clinic.example";

    public static async Task<Practice> SignUpAsync(this SlicesApp app, string name = "Harbour Family Clinic")
    {
        var email = UniqueEmail("admin");
        var created = await app.CreateClient().PostAsJsonAsync("/api/v1/practices",
            new { practiceName = name, adminName = "Dr Amina Osei", adminEmail = email, adminPassword = Password }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var ids = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var tokens = await app.LoginAsync(email, Password);
        return new Practice(ids.GetProperty("practiceId").GetGuid(), ids.GetProperty("userId").GetGuid(), email, Password,
            tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!);
    }

    public static async Task<JsonElement> LoginAsync(this SlicesApp app, string email, string password, string? totp = null)
    {
        var response = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password, totp }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public static HttpClient As(this SlicesApp app, string accessToken)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static HttpClient AsAdmin(this SlicesApp app, Practice practice) => app.As(practice.AccessToken);

    /// <summary>Adds a user through the API and signs them in; returns their id and access token.</summary>
    public static async Task<(Guid Id, string Email, string AccessToken)> AddUserAsync(this SlicesApp app, Practice practice, string role)
    {
        var email = UniqueEmail(role);
        var created = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/users", new { name = "Dr Lucas Meyer", email, role, password = Password }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid();
        var tokens = await app.LoginAsync(email, Password);
        return (id, email, tokens.GetProperty("accessToken").GetString()!);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }
}
