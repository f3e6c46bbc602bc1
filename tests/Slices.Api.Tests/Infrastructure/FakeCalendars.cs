using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>
/// Google's and Microsoft's OAuth and calendar endpoints as a real HTTP server on loopback: authorization codes bound
/// to PKCE, the authorization_code and refresh_token grants (Microsoft rotating refresh tokens, both answering
/// invalid_grant for a spent or revoked one), revocation, and each calendar's event endpoints. Failures on demand:
/// a status (with Retry-After) for the next calls of a kind, or a create that succeeds but answers 500.
/// </summary>
public sealed class FakeCalendars : IAsyncDisposable
{
    public const string ClientId = "slices-test-client";
    public const string ClientSecret = "slices-test-secret";

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, Code> _codes = [];
    private readonly Dictionary<string, (string Account, DateTimeOffset ExpiresAt)> _accessTokens = [];
    private readonly Dictionary<string, string> _refreshTokens = []; // live refresh token -> account
    private readonly Dictionary<string, Account> _accounts = [];
    private readonly List<Failure> _failures = [];

    private sealed record Code(string Provider, string Account, string RedirectUri, string Challenge);
    private sealed record Failure(string Provider, string Kind, int Status, int? RetryAfterSeconds, bool AfterDoing, TimeSpan Delay = default);

    public sealed record Event(string Id, string Title, DateTimeOffset Start, DateTimeOffset End, bool Busy, string? TransactionId);

    private sealed class Account
    {
        public Dictionary<string, Event> Events { get; } = [];
    }

    private FakeCalendars(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The account the next authorization signs in as (the person clicking "Allow").</summary>
    public string NextAccount { get; set; } = "clinician@example.com";

    /// <summary>Lifetime of the access tokens issued from now on.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Every access and refresh token ever issued, to look for in the database.</summary>
    public List<string> IssuedTokens { get; } = [];

    public int RefreshGrants { get; private set; }
    public int SpentRefreshTokenUses { get; private set; }
    public List<string> Revoked { get; } = [];

    public static async Task<FakeCalendars> StartAsync()
    {
        var app = LoopbackServer.Create();
        var fake = new FakeCalendars(app);
        fake.Map(app);
        await app.StartAsync();
        fake.BaseUrl = new Uri(app.Urls.First());
        return fake;
    }

    /// <summary>Settings that point the API's calendar integration at this server.</summary>
    public void Configure(Dictionary<string, string?> settings)
    {
        var root = BaseUrl.ToString().TrimEnd('/');
        foreach (var (name, provider) in new[] { ("Google", "google"), ("Microsoft", "microsoft") })
        {
            settings[$"Calendar:{name}:ClientId"] = ClientId;
            settings[$"Calendar:{name}:ClientSecret"] = ClientSecret;
            settings[$"Calendar:{name}:AuthorizationEndpoint"] = $"{root}/{provider}/authorize";
            settings[$"Calendar:{name}:TokenEndpoint"] = $"{root}/{provider}/token";
            settings[$"Calendar:{name}:ApiBaseUrl"] = provider == "google" ? $"{root}/google/calendar/v3" : $"{root}/microsoft/graph/v1.0";
        }
        settings["Calendar:Google:RevocationEndpoint"] = $"{root}/google/revoke";
    }

    /// <summary>The next <paramref name="times"/> calls of a kind (token, create, update, delete, list) answer this status.</summary>
    public void Fail(string provider, string kind, int status, int times = 1, int? retryAfterSeconds = null)
    {
        lock (_gate) for (var i = 0; i < times; i++) _failures.Add(new Failure(provider, kind, status, retryAfterSeconds, false));
    }

    /// <summary>The next create does its work, then answers 500: the caller cannot know it succeeded.</summary>
    public void FailAfterCreating(string provider)
    {
        lock (_gate) _failures.Add(new Failure(provider, "create", 500, null, true));
    }

    /// <summary>The next call of a kind answers normally, but only after <paramref name="delay"/>: longer than the caller waits.</summary>
    public void Slow(string provider, string kind, TimeSpan delay)
    {
        lock (_gate) _failures.Add(new Failure(provider, kind, 200, null, false, delay));
    }

    /// <summary>Refresh tokens issued so far stop working, as when the user revokes access in their account settings.</summary>
    public void RevokeAllGrants()
    {
        lock (_gate)
        {
            _refreshTokens.Clear();
            _accessTokens.Clear();
        }
    }

    public IReadOnlyList<Event> Events(string account)
    {
        lock (_gate) return _accounts.TryGetValue(account, out var a) ? [.. a.Events.Values] : [];
    }

    /// <summary>An event the clinician made themselves (a meeting, a dentist visit): busy time Slices did not create.</summary>
    public void AddOwnEvent(string account, DateTimeOffset start, DateTimeOffset end, bool busy = true)
    {
        lock (_gate)
        {
            var id = "own" + Guid.NewGuid().ToString("N");
            AccountOf(account).Events[id] = new Event(id, "Dentist", start, end, busy, null);
        }
    }

    private Account AccountOf(string name)
    {
        if (!_accounts.TryGetValue(name, out var account)) _accounts[name] = account = new Account();
        return account;
    }

    private void Map(WebApplication app)
    {
        foreach (var provider in new[] { "google", "microsoft" })
        {
            app.MapGet($"/{provider}/authorize", Handler(http => Task.FromResult(Authorize(provider, http))));
            app.MapPost($"/{provider}/token", Handler(http => TokenAsync(provider, http)));
        }
        app.MapPost("/google/revoke", Handler(async http =>
        {
            var form = await http.Request.ReadFormAsync();
            lock (_gate)
            {
                Revoked.Add(form["token"]!);
                _refreshTokens.Remove(form["token"]!);
            }
            return Results.Ok();
        }));

        const string google = "/google/calendar/v3/calendars/primary/events";
        app.MapPost(google, Handler(http => WithAccountAsync("google", "create", http, CreateGoogleAsync)));
        app.MapPatch(google + "/{id}", Handler((http, id) => WithAccountAsync("google", "update", http, (a, h) => UpdateAsync(a, h, id, "summary"))));
        app.MapDelete(google + "/{id}", Handler((http, id) => WithAccountAsync("google", "delete", http, (a, _) => Task.FromResult(Delete(a, id, StatusCodes.Status410Gone)))));
        app.MapGet(google, Handler(http => WithAccountAsync("google", "list", http, (a, h) => Task.FromResult(ListGoogle(a, h)))));

        const string graph = "/microsoft/graph/v1.0/me";
        app.MapPost(graph + "/events", Handler(http => WithAccountAsync("microsoft", "create", http, CreateMicrosoftAsync)));
        app.MapPatch(graph + "/events/{id}", Handler((http, id) => WithAccountAsync("microsoft", "update", http, (a, h) => UpdateAsync(a, h, id, "subject"))));
        app.MapDelete(graph + "/events/{id}", Handler((http, id) => WithAccountAsync("microsoft", "delete", http, (a, _) => Task.FromResult(Delete(a, id, StatusCodes.Status404NotFound)))));
        app.MapGet(graph + "/calendarView", Handler(http => WithAccountAsync("microsoft", "list", http, (a, h) => Task.FromResult(ListMicrosoft(a, h)))));
    }

    // Typed as Delegate so minimal APIs write the returned IResult (a plain RequestDelegate would discard it).
    private static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    private static Delegate Handler(Func<HttpContext, string, Task<IResult>> handler) => handler;

    private IResult Authorize(string provider, HttpContext http)
    {
        var q = http.Request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            return Results.BadRequest("bad authorization request");
        var code = "code-" + Guid.NewGuid().ToString("N");
        lock (_gate) _codes[code] = new Code(provider, NextAccount, q["redirect_uri"]!, q["code_challenge"]!);
        return Results.Redirect(QueryHelpers.AddQueryString(q["redirect_uri"]!, new Dictionary<string, string?> { ["code"] = code, ["state"] = q["state"] }));
    }

    private async Task<IResult> TokenAsync(string provider, HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        if (TakeFailure(provider, "token") is { } failure) return FailureResult(http, failure);
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret) return OAuthError("invalid_client", 401);
        lock (_gate)
        {
            string account;
            string? refresh = null;
            if (form["grant_type"] == "authorization_code")
            {
                if (!_codes.Remove(form["code"]!, out var code) || code.Provider != provider || code.RedirectUri != form["redirect_uri"]
                    || code.Challenge != WebEncoders.Base64UrlEncode(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))))
                    return OAuthError("invalid_grant", 400);
                account = code.Account;
                refresh = NewRefreshToken(account);
            }
            else if (form["grant_type"] == "refresh_token")
            {
                RefreshGrants++;
                if (!_refreshTokens.TryGetValue(form["refresh_token"]!, out var owner))
                {
                    SpentRefreshTokenUses++;
                    return OAuthError("invalid_grant", 400);
                }
                account = owner;
                if (provider == "microsoft") // Microsoft rotates: the old refresh token is spent
                {
                    _refreshTokens.Remove(form["refresh_token"]!);
                    refresh = NewRefreshToken(account);
                }
            }
            else return OAuthError("unsupported_grant_type", 400);

            var access = $"{provider}-access-{Guid.NewGuid():N}";
            _accessTokens[access] = (account, DateTimeOffset.UtcNow.Add(AccessTokenLifetime));
            IssuedTokens.Add(access);
            var body = new Dictionary<string, object> { ["access_token"] = access, ["token_type"] = "Bearer", ["expires_in"] = (int)AccessTokenLifetime.TotalSeconds };
            if (refresh is not null) body["refresh_token"] = refresh;
            return Results.Json(body);
        }
    }

    private string NewRefreshToken(string account)
    {
        var token = "refresh-" + Guid.NewGuid().ToString("N");
        _refreshTokens[token] = account;
        IssuedTokens.Add(token);
        return token;
    }

    private async Task<IResult> WithAccountAsync(string provider, string kind, HttpContext http, Func<Account, HttpContext, Task<IResult>> handle)
    {
        var bearer = http.Request.Headers.Authorization.ToString();
        Account account;
        lock (_gate)
        {
            if (!bearer.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(bearer[7..], out var grant) || grant.ExpiresAt <= DateTimeOffset.UtcNow)
                return Results.Json(new { error = new { code = "InvalidAuthenticationToken" } }, statusCode: 401);
            account = AccountOf(grant.Account);
        }
        var failure = TakeFailure(provider, kind);
        if (failure is { Delay.Ticks: > 0 })
        {
            await Task.Delay(failure.Delay);
            failure = null;
        }
        if (failure is { AfterDoing: false }) return FailureResult(http, failure);
        var result = await handle(account, http);
        return failure is null ? result : FailureResult(http, failure);
    }

    private Failure? TakeFailure(string provider, string kind)
    {
        lock (_gate)
        {
            var failure = _failures.FirstOrDefault(f => f.Provider == provider && f.Kind == kind);
            if (failure is not null) _failures.Remove(failure);
            return failure;
        }
    }

    private static IResult FailureResult(HttpContext http, Failure failure)
    {
        if (failure.RetryAfterSeconds is { } seconds) http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Json(new { error = new { code = "fake_failure", status = failure.Status } }, statusCode: failure.Status);
    }

    private static IResult OAuthError(string error, int status) => Results.Json(new { error }, statusCode: status);

    private async Task<IResult> CreateGoogleAsync(Account account, HttpContext http)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var id = body.TryGetProperty("id", out var given) ? given.GetString()! : Guid.NewGuid().ToString("N");
        lock (_gate)
        {
            if (account.Events.ContainsKey(id)) return Results.Json(new { error = new { code = 409, message = "The requested identifier already exists." } }, statusCode: 409);
            account.Events[id] = new Event(id, body.GetProperty("summary").GetString()!, Time(body, "start"), Time(body, "end"), true, null);
        }
        return Results.Json(new { id, status = "confirmed" });
    }

    private async Task<IResult> CreateMicrosoftAsync(Account account, HttpContext http)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        var transactionId = body.TryGetProperty("transactionId", out var t) ? t.GetString() : null;
        lock (_gate)
        {
            if (transactionId is not null && account.Events.Values.FirstOrDefault(e => e.TransactionId == transactionId) is { } existing)
                return Results.Json(new { id = existing.Id }, statusCode: 201);
            var id = "AAMk" + Guid.NewGuid().ToString("N");
            account.Events[id] = new Event(id, body.GetProperty("subject").GetString()!, Time(body, "start"), Time(body, "end"), true, transactionId);
            return Results.Json(new { id }, statusCode: 201);
        }
    }

    private async Task<IResult> UpdateAsync(Account account, HttpContext http, string id, string titleField)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body);
        lock (_gate)
        {
            if (!account.Events.TryGetValue(id, out var existing)) return Results.NotFound();
            account.Events[id] = existing with { Title = body.GetProperty(titleField).GetString()!, Start = Time(body, "start"), End = Time(body, "end") };
        }
        return Results.Json(new { id });
    }

    private IResult Delete(Account account, string id, int missing)
    {
        lock (_gate) return account.Events.Remove(id) ? Results.NoContent() : Results.StatusCode(missing);
    }

    private IResult ListGoogle(Account account, HttpContext http)
    {
        var (from, to) = (DateTimeOffset.Parse(http.Request.Query["timeMin"]!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(http.Request.Query["timeMax"]!, CultureInfo.InvariantCulture));
        lock (_gate)
            return Results.Json(new
            {
                items = account.Events.Values.Where(e => e.Start < to && e.End > from).Select(e => new
                {
                    id = e.Id,
                    status = "confirmed",
                    transparency = e.Busy ? "opaque" : "transparent",
                    start = new { dateTime = e.Start.ToString("O", CultureInfo.InvariantCulture) },
                    end = new { dateTime = e.End.ToString("O", CultureInfo.InvariantCulture) },
                }).ToList(),
            });
    }

    private IResult ListMicrosoft(Account account, HttpContext http)
    {
        var (from, to) = (DateTimeOffset.Parse(http.Request.Query["startDateTime"]!, CultureInfo.InvariantCulture), DateTimeOffset.Parse(http.Request.Query["endDateTime"]!, CultureInfo.InvariantCulture));
        lock (_gate)
            return Results.Json(new Dictionary<string, object>
            {
                ["value"] = account.Events.Values.Where(e => e.Start < to && e.End > from).Select(e => new
                {
                    id = e.Id,
                    showAs = e.Busy ? "busy" : "free",
                    isCancelled = false,
                    start = new { dateTime = e.Start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture), timeZone = "UTC" },
                    end = new { dateTime = e.End.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", CultureInfo.InvariantCulture), timeZone = "UTC" },
                }).ToList(),
            });
    }

    private static DateTimeOffset Time(JsonElement body, string which)
    {
        var text = body.GetProperty(which).GetProperty("dateTime").GetString()!;
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
