using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Slices.Api.Features.Calendar.Providers;

/// <summary>Microsoft Graph v1.0 on the signed-in user's default calendar, with the Microsoft identity platform's OAuth 2.0 endpoints.</summary>
public sealed class MicrosoftCalendar(HttpClient http, CalendarOptions options, TimeProvider clock) : CalendarProvider(http, options.Microsoft, clock)
{
    public const string ProviderName = "microsoft";

    public override string Name => ProviderName;

    // offline_access: a refresh token. Calendars.ReadWrite: the user's own calendars only.
    protected override string Scopes => "offline_access https://graph.microsoft.com/Calendars.ReadWrite";

    protected override bool ScopeOnTokenRequests => true;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraAuthorizationParameters() => [new("response_mode", "query")];

    private string Base => Options.ApiBaseUrl.TrimEnd('/');

    // Graph has no revocation of one app's refresh token (revokeSignInSessions would sign the user out everywhere).

    /// <summary>Graph's transactionId makes a retried create return the event the first try made, never a second one.</summary>
    public override async Task<string> CreateEventAsync(string accessToken, CalendarEntry entry, CancellationToken ct)
    {
        var body = Body(entry);
        body["transactionId"] = entry.AppointmentId.ToString();
        var created = await ReadAsync(await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"{Base}/me/events") { Content = Json(body) }, accessToken, ct), ct);
        return created.GetProperty("id").GetString()!;
    }

    public override async Task UpdateEventAsync(string accessToken, string eventId, CalendarEntry entry, CancellationToken ct)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, $"{Base}/me/events/{Uri.EscapeDataString(eventId)}") { Content = Json(Body(entry)) }, accessToken, ct);
    }

    public override async Task DeleteEventAsync(string accessToken, string eventId, CancellationToken ct)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"{Base}/me/events/{Uri.EscapeDataString(eventId)}"), accessToken, ct, HttpStatusCode.NotFound);
    }

    public override async Task<IReadOnlyList<BusyBlock>> BusyAsync(string accessToken, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var blocks = new List<BusyBlock>();
        string? url = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString($"{Base}/me/calendarView", new Dictionary<string, string?>
        {
            ["startDateTime"] = from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["endDateTime"] = to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["$select"] = "id,showAs,isCancelled,start,end",
            ["$top"] = "100",
        });
        while (url is not null)
        {
            var page = url;
            var body = await ReadAsync(await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, page);
                request.Headers.Add("Prefer", "outlook.timezone=\"UTC\"");
                return request;
            }, accessToken, ct), ct);
            foreach (var item in body.TryGetProperty("value", out var items) ? items.EnumerateArray() : default)
            {
                if (item.TryGetProperty("isCancelled", out var cancelled) && cancelled.GetBoolean()) continue;
                if (item.TryGetProperty("showAs", out var showAs) && showAs.GetString() is "free" or "workingElsewhere") continue;
                if (Time(item, "start") is { } start && Time(item, "end") is { } end && end > start)
                    blocks.Add(new BusyBlock(item.GetProperty("id").GetString()!, start, end));
            }
            url = body.TryGetProperty("@odata.nextLink", out var next) ? next.GetString() : null;
        }
        return blocks;
    }

    /// <summary>Graph's dateTimeTimeZone, asked for in UTC (the Prefer header); its dateTime has no offset.</summary>
    private static DateTimeOffset? Time(JsonElement item, string which) =>
        item.TryGetProperty(which, out var time) && time.TryGetProperty("dateTime", out var dateTime)
        && DateTime.TryParse(dateTime.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    private static Dictionary<string, object> Body(CalendarEntry entry) => new()
    {
        ["subject"] = entry.Title,
        ["start"] = new { dateTime = entry.StartsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC" },
        ["end"] = new { dateTime = entry.EndsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), timeZone = "UTC" },
        ["showAs"] = "busy",
    };
}
