using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Slices.Load;

/// <summary>Sets up what a scenario needs through the public API: a practice of its own, its admin's token, API keys.</summary>
public sealed class ApiSession(HttpClient http, string accessToken, Guid practiceId)
{
    public string AccessToken => accessToken;
    public Guid PracticeId => practiceId;

    private const string Password = "load runner password, not a secret";

    public static async Task<ApiSession> SignUpAsync(HttpClient http)
    {
        var email = $"load.{Guid.NewGuid():N}@load.example";
        var created = await http.PostAsJsonAsync("/api/v1/practices", new { practiceName = "Load Runner Clinic", adminName = "Load Runner", adminEmail = email, adminPassword = Password });
        var practice = await EnsureAsync(created, "sign up a practice");
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        var tokens = await EnsureAsync(login, "sign in");
        return new ApiSession(http, tokens.GetProperty("accessToken").GetString()!, practice.GetProperty("practiceId").GetGuid());
    }

    /// <summary>A new API key with these scopes and, when given, its own rate limit; returns the secret key.</summary>
    public async Task<string> CreateApiKeyAsync(string name, string[] scopes, int? rateLimit = null)
    {
        var created = await EnsureAsync(await SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name, scopes }), "create an API key");
        if (rateLimit is { } limit)
            await EnsureAsync(await SendAsync(HttpMethod.Patch, $"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}", new { rateLimit = limit }), "set the key's rate limit");
        return created.GetProperty("key").GetString()!;
    }

    /// <summary>POSTs as the admin and returns the created resource's id.</summary>
    public async Task<Guid> CreateAsync(string path, object body, string what) =>
        (await EnsureAsync(await SendAsync(HttpMethod.Post, path, body), what)).GetProperty("id").GetGuid();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http.SendAsync(request);
    }

    private static async Task<JsonElement> EnsureAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"could not {what}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
