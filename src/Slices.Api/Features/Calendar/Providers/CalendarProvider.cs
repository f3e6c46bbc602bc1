using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Slices.Api.Features.Calendar.Providers;

public sealed record ProviderTokens(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>What Slices puts in a clinician's calendar for an appointment: a title and a time, nothing about the patient.</summary>
public sealed record CalendarEntry(Guid AppointmentId, string Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>A busy block in the clinician's own calendar.</summary>
public sealed record BusyBlock(string EventId, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>The provider refused the grant (revoked, expired, password changed): the clinician must connect again.</summary>
public sealed class ReauthRequiredException(string reason) : Exception(reason);

/// <summary>The provider is busy, failing or slow (429, 5xx, timeout): try again later, after RetryAfter when it said so.</summary>
public sealed class ProviderUnavailableException(string reason, TimeSpan? retryAfter = null) : Exception(reason)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The provider rejected the access token itself (401): refresh it and try once more.</summary>
public sealed class AccessTokenRejectedException() : Exception("the provider rejected the access token");

/// <summary>
/// OAuth 2.0 (authorization code with PKCE, refresh) and calendar calls, shared by Google Calendar and Microsoft Graph.
/// Errors become three exceptions a caller can act on: reauthorise, retry later, or refresh and retry.
/// </summary>
public abstract class CalendarProvider(HttpClient http, ProviderOptions options, TimeProvider clock)
{
    protected HttpClient Http => http;
    protected ProviderOptions Options => options;

    public abstract string Name { get; }
    protected abstract string Scopes { get; }

    public bool Configured => options.Configured;

    public string AuthorizationUrl(string state, string codeChallenge, string redirectUri) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(options.AuthorizationEndpoint, new Dictionary<string, string?>
        {
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = Scopes,
            ["state"] = state,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = "S256",
        }.Concat(ExtraAuthorizationParameters()));

    protected virtual IEnumerable<KeyValuePair<string, string?>> ExtraAuthorizationParameters() => [];

    protected virtual bool ScopeOnTokenRequests => false;

    public Task<ProviderTokens> ExchangeCodeAsync(string code, string codeVerifier, string redirectUri, CancellationToken ct) =>
        TokenRequestAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = codeVerifier,
        }, null, ct);

    public Task<ProviderTokens> RefreshAsync(string refreshToken, CancellationToken ct) =>
        TokenRequestAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, refreshToken, ct);

    /// <summary>Revokes the grant where the provider offers it; false where it cannot (the tokens are deleted either way).</summary>
    public virtual Task<bool> RevokeAsync(string token, CancellationToken ct) => Task.FromResult(false);

    public abstract Task<string> CreateEventAsync(string accessToken, CalendarEntry entry, CancellationToken ct);
    public abstract Task UpdateEventAsync(string accessToken, string eventId, CalendarEntry entry, CancellationToken ct);
    public abstract Task DeleteEventAsync(string accessToken, string eventId, CancellationToken ct);
    public abstract Task<IReadOnlyList<BusyBlock>> BusyAsync(string accessToken, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);

    private async Task<ProviderTokens> TokenRequestAsync(Dictionary<string, string> form, string? currentRefreshToken, CancellationToken ct)
    {
        form["client_id"] = options.ClientId!;
        form["client_secret"] = options.ClientSecret!;
        if (ScopeOnTokenRequests) form["scope"] = Scopes;
        // 400 and 401 carry an OAuth error code to read; 429 and 5xx are "later" like everywhere else.
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, options.TokenEndpoint) { Content = new FormUrlEncodedContent(form) },
            null, ct, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        if (!response.IsSuccessStatusCode)
        {
            var error = body.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
            // invalid_grant: the code or refresh token is spent, expired or revoked. Nothing a retry can fix.
            if (error is "invalid_grant" or "unauthorized_client" or "invalid_client") throw new ReauthRequiredException(error);
            throw new ProviderUnavailableException($"token endpoint answered {(int)response.StatusCode} {error}");
        }
        var root = body.RootElement;
        var expiresIn = root.TryGetProperty("expires_in", out var x) && x.TryGetInt32(out var seconds) ? seconds : 3600;
        return new ProviderTokens(
            root.GetProperty("access_token").GetString()!,
            root.TryGetProperty("refresh_token", out var r) ? r.GetString() : currentRefreshToken,
            clock.GetUtcNow().AddSeconds(expiresIn));
    }

    /// <summary>Sends with the access token (when given) and sorts failures: 401 (refresh), 429 and 5xx (later); timeouts are "later" too.</summary>
    protected async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string? accessToken, CancellationToken ct, params HttpStatusCode[] acceptable)
    {
        using var request = build();
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new ProviderUnavailableException($"{Name} did not answer ({e.GetType().Name})");
        }
        if (response.IsSuccessStatusCode || acceptable.Contains(response.StatusCode)) return response;
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized) throw new AccessTokenRejectedException();
            var retryAfter = response.Headers.RetryAfter?.Delta ?? (response.Headers.RetryAfter?.Date - clock.GetUtcNow());
            throw new ProviderUnavailableException($"{Name} answered {(int)response.StatusCode}", retryAfter);
        }
    }

    protected static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    protected static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response) return JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(ct));
    }
}
