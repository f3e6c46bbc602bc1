using Slices.Api.Platform.Config;

namespace Slices.Api.Features.Calendar;

/// <summary>One OAuth app registration and the provider's endpoints (configurable so tests and sovereign clouds can point elsewhere).</summary>
public sealed class ProviderOptions
{
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
    public string AuthorizationEndpoint { get; set; } = "";
    public string TokenEndpoint { get; set; } = "";
    public string? RevocationEndpoint { get; set; }
    public string ApiBaseUrl { get; set; } = "";

    public bool Configured => !string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret);
}

/// <summary>The calendar integration: Google and Microsoft app registrations, the OAuth callback, and sync limits.</summary>
public sealed class CalendarOptions : Settings
{
    public const string Section = "Calendar";

    /// <summary>The redirect URI registered with both providers; by default this API's own callback URL as the request saw it.</summary>
    public string? CallbackUrl { get; set; }

    public int RequestTimeoutSeconds { get; set; } = 15;

    /// <summary>How far ahead busy times are pulled and appointments reconciled.</summary>
    public int SyncDays { get; set; } = 30;

    /// <summary>The title of pushed events. No patient detail leaves Slices: the provider is outside the practice's records.</summary>
    public string EventTitle { get; set; } = "Appointment (Slices)";

    public ProviderOptions Google { get; set; } = new()
    {
        AuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth",
        TokenEndpoint = "https://oauth2.googleapis.com/token",
        RevocationEndpoint = "https://oauth2.googleapis.com/revoke",
        ApiBaseUrl = "https://www.googleapis.com/calendar/v3",
    };

    public ProviderOptions Microsoft { get; set; } = new()
    {
        AuthorizationEndpoint = "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        TokenEndpoint = "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        ApiBaseUrl = "https://graph.microsoft.com/v1.0",
    };

    protected override IEnumerable<string> Check()
    {
        if (CallbackUrl is not null && !IsHttpUrl(CallbackUrl)) yield return SettingName.Problem("Calendar:CallbackUrl", "must be an absolute http(s) URL");
        if (RequestTimeoutSeconds is < 1 or > 120) yield return SettingName.Problem("Calendar:RequestTimeoutSeconds", "must be between 1 and 120");
        if (SyncDays is < 1 or > 365) yield return SettingName.Problem("Calendar:SyncDays", "must be between 1 and 365");
        if (string.IsNullOrWhiteSpace(EventTitle) || EventTitle.Length > 200) yield return SettingName.Problem("Calendar:EventTitle", "must be 1 to 200 characters");
        foreach (var (name, provider) in new[] { ("Google", Google), ("Microsoft", Microsoft) })
        {
            if (string.IsNullOrWhiteSpace(provider.ClientId) != string.IsNullOrWhiteSpace(provider.ClientSecret))
                yield return SettingName.Problem($"Calendar:{name}:ClientSecret", "set the client id and the client secret together, or neither");
            foreach (var (key, url) in new[] { ("AuthorizationEndpoint", provider.AuthorizationEndpoint), ("TokenEndpoint", provider.TokenEndpoint), ("ApiBaseUrl", provider.ApiBaseUrl) })
                if (!IsHttpUrl(url)) yield return SettingName.Problem($"Calendar:{name}:{key}", "must be an absolute http(s) URL");
            if (provider.RevocationEndpoint is { } revoke && !IsHttpUrl(revoke)) yield return SettingName.Problem($"Calendar:{name}:RevocationEndpoint", "must be an absolute http(s) URL");
        }
    }

    private static bool IsHttpUrl(string value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
}
