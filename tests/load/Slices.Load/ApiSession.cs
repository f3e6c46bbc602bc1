using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Slices.Load;

/// <summary>Sets up what a scenario needs through the public API: a practice of its own, its admin's token, API keys.</summary>
public sealed class ApiSession(HttpClient http, string accessToken, string refreshToken, TimeSpan expiresIn, Guid practiceId)
{
    private volatile string _accessToken = accessToken;
    private string _refreshToken = refreshToken;

    /// <summary>How long an access token lasts (the API's Auth:AccessTokenMinutes).</summary>
    public TimeSpan ExpiresIn => expiresIn;

    /// <summary>The current access token (a new one after each <see cref="RefreshAsync"/>).</summary>
    public string AccessToken => _accessToken;
    public Guid PracticeId => practiceId;

    /// <summary>
    /// New tokens for the same session, then a request with them, as an app in use does before its access token expires
    /// (15 minutes in Production): a refresh alone does not count as activity, and a session lapses after 30 idle minutes.
    /// </summary>
    public async Task RefreshAsync()
    {
        var tokens = await EnsureAsync(await http.PostAsJsonAsync("/api/v1/auth/refresh", new { refreshToken = _refreshToken }), "refresh the session");
        (_refreshToken, _accessToken) = (tokens.GetProperty("refreshToken").GetString()!, tokens.GetProperty("accessToken").GetString()!);
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/auth/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken);
        using var response = await http.SendAsync(me);
        await EnsureAsync(response, "use the refreshed session");
    }

    private const string Password = "load runner password, not a secret";

    public static async Task<ApiSession> SignUpAsync(HttpClient http)
    {
        var email = $"load.{Guid.NewGuid():N}@load.example";
        var created = await http.PostAsJsonAsync("/api/v1/practices", new { practiceName = "Load Runner Clinic", adminName = "Load Runner", adminEmail = email, adminPassword = Password });
        var practice = await EnsureAsync(created, "sign up a practice");
        var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password = Password });
        var tokens = await EnsureAsync(login, "sign in");
        return new ApiSession(http, tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("refreshToken").GetString()!,
            TimeSpan.FromSeconds(tokens.GetProperty("expiresIn").GetInt32()), practice.GetProperty("practiceId").GetGuid());
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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _accessToken);
        return http.SendAsync(request);
    }

    private static async Task<JsonElement> EnsureAsync(HttpResponseMessage response, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"could not {what}: {(int)response.StatusCode} {body}");
        return JsonSerializer.Deserialize<JsonElement>(body);
    }
}
