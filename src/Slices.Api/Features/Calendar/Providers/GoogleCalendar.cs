using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Slices.Api.Features.Calendar.Providers;

/// <summary>Google Calendar API v3 on the clinician's primary calendar, with Google's OAuth 2.0 endpoints.</summary>
public sealed class GoogleCalendar(HttpClient http, CalendarOptions options, TimeProvider clock) : CalendarProvider(http, options.Google, clock)
{
    public const string ProviderName = "google";

    public override string Name => ProviderName;

    // Events of the calendars the user owns (create, change, delete, list); nothing else of their account.
    protected override string Scopes => "https://www.googleapis.com/auth/calendar.events";

    // offline: a refresh token; consent: one is issued again when the clinician reconnects.
    protected override IEnumerable<KeyValuePair<string, string?>> ExtraAuthorizationParameters() =>
        [new("access_type", "offline"), new("prompt", "consent"), new("include_granted_scopes", "true")];

    private string Events => $"{Options.ApiBaseUrl.TrimEnd('/')}/calendars/primary/events";

    /// <summary>Google's base32hex event ids let the client choose the id: the appointment's, so a retried create is a 409, never a duplicate.</summary>
    public static string EventIdFor(Guid appointmentId) => appointmentId.ToString("N");

    public override async Task<bool> RevokeAsync(string token, CancellationToken ct)
    {
        if (Options.RevocationEndpoint is null) return false;
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Options.RevocationEndpoint)
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        }, null, ct, HttpStatusCode.BadRequest); // 400: already invalid, which is what we wanted
        return true;
    }

    public override async Task<string> CreateEventAsync(string accessToken, CalendarEntry entry, CancellationToken ct)
    {
        var id = EventIdFor(entry.AppointmentId);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Events) { Content = Json(Body(entry, id)) }, accessToken, ct, HttpStatusCode.Conflict);
        if (response.StatusCode == HttpStatusCode.Conflict) await UpdateEventAsync(accessToken, id, entry, ct); // made by an earlier try
        return id;
    }

    public override async Task UpdateEventAsync(string accessToken, string eventId, CalendarEntry entry, CancellationToken ct)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Patch, $"{Events}/{Uri.EscapeDataString(eventId)}") { Content = Json(Body(entry, null)) }, accessToken, ct);
    }

    public override async Task DeleteEventAsync(string accessToken, string eventId, CancellationToken ct)
    {
        using var _ = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, $"{Events}/{Uri.EscapeDataString(eventId)}"), accessToken, ct, HttpStatusCode.NotFound, HttpStatusCode.Gone);
    }

    public override async Task<IReadOnlyList<BusyBlock>> BusyAsync(string accessToken, DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        var blocks = new List<BusyBlock>();
        string? page = null;
        do
        {
            var url = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Events, new Dictionary<string, string?>
            {
                ["timeMin"] = from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["timeMax"] = to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["singleEvents"] = "true",
                ["maxResults"] = "250",
                ["fields"] = "items(id,status,transparency,start,end),nextPageToken",
                ["pageToken"] = page,
            });
            var body = await ReadAsync(await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), accessToken, ct), ct);
            foreach (var item in body.TryGetProperty("items", out var items) ? items.EnumerateArray() : default)
            {
                if (item.TryGetProperty("status", out var status) && status.GetString() == "cancelled") continue;
                if (item.TryGetProperty("transparency", out var transparency) && transparency.GetString() == "transparent") continue;
                if (Time(item, "start") is { } start && Time(item, "end") is { } end && end > start)
                    blocks.Add(new BusyBlock(item.GetProperty("id").GetString()!, start, end));
            }
            page = body.TryGetProperty("nextPageToken", out var next) ? next.GetString() : null;
        }
        while (page is not null);
        return blocks;
    }

    /// <summary>A timed event's dateTime, or an all-day event's date as UTC midnight.</summary>
    private static DateTimeOffset? Time(JsonElement item, string which)
    {
        if (!item.TryGetProperty(which, out var time)) return null;
        if (time.TryGetProperty("dateTime", out var dateTime) && DateTimeOffset.TryParse(dateTime.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)) return at;
        return time.TryGetProperty("date", out var date) && DateOnly.TryParse(date.GetString(), CultureInfo.InvariantCulture, out var day)
            ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            : null;
    }

    private static Dictionary<string, object> Body(CalendarEntry entry, string? id)
    {
        var body = new Dictionary<string, object>
        {
            ["summary"] = entry.Title,
            ["start"] = new { dateTime = entry.StartsAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), timeZone = "UTC" },
            ["end"] = new { dateTime = entry.EndsAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), timeZone = "UTC" },
            ["transparency"] = "opaque",
            ["extendedProperties"] = new { @private = new { slicesAppointmentId = entry.AppointmentId.ToString() } },
        };
        if (id is not null) body["id"] = id;
        return body;
    }
}
