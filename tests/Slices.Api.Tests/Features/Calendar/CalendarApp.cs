using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Calendar;

/// <summary>The app with its calendar integration pointed at fake Google and Microsoft servers, and a brisk outbox worker.</summary>
public sealed class CalendarApp : SlicesApp
{
    public const string AppOrigin = "https://app.harbourclinic.example";

    public FakeCalendars Fake { get; } = FakeCalendars.StartAsync().GetAwaiter().GetResult();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Configure(Settings, Fake);
        base.ConfigureWebHost(builder);
    }

    public static void Configure(Dictionary<string, string?> settings, FakeCalendars fake)
    {
        fake.Configure(settings);
        settings["Outbox:PollIntervalMs"] = "50";
        settings["Outbox:RetryBaseSeconds"] = "0.2";
        settings["Cors:AllowedOrigins:0"] = AppOrigin;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Fake.DisposeAsync();
    }
}

/// <summary>A practice whose clinician (a user linked to a clinician record) has connected a calendar, with a patient to book.</summary>
public sealed record ConnectedClinic(Clinic Clinic, HttpClient Clinician, Guid ClinicianUserId, Guid ClinicianId, Guid ConnectionId, string Account, string Provider)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ConnectedClinic> OpenAsync(SlicesApp app, FakeCalendars fake, string provider)
    {
        var clinic = await Clinic.OpenAsync(app);
        var (userId, _, token) = await app.AddUserAsync(clinic.Practice, "clinician");
        var hours = Enumerable.Range(1, 7).Select(d => new { weekday = d, starts = "08:00:00", ends = "18:00:00" });
        var clinician = await (await clinic.Admin.PostAsJsonAsync("/api/v1/clinicians",
            new { name = "Dr Noor Haddad", timeZone = "Etc/UTC", workingHours = hours, userId }, Ct)).JsonAsync(HttpStatusCode.Created);
        var client = app.As(token);
        var account = $"{provider}.{Guid.NewGuid():N}@example.com";
        var connection = await AuthorizeAsync(app, fake, client, provider, account);
        return new ConnectedClinic(clinic, client, userId, clinician.GetProperty("id").GetGuid(), connection.GetProperty("id").GetGuid(), account, provider);
    }

    /// <summary>Starts connecting, lets the fake provider "consent" as the account, and follows its redirect to the callback.</summary>
    public static async Task<JsonElement> AuthorizeAsync(SlicesApp app, FakeCalendars fake, HttpClient user, string provider, string account)
    {
        var start = await (await user.PostAsJsonAsync("/api/v1/calendar/connections", new { provider }, Ct)).JsonAsync(HttpStatusCode.OK);
        fake.NextAccount = account;
        var callback = await ConsentAsync(start.GetProperty("authorizationUrl").GetString()!);
        return await (await app.CreateClient().GetAsync(callback.PathAndQuery, Ct)).JsonAsync(HttpStatusCode.OK);
    }

    /// <summary>The provider's consent page: it answers with a redirect to the callback carrying the code and the state.</summary>
    public static async Task<Uri> ConsentAsync(string authorizationUrl)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await browser.GetAsync(authorizationUrl, Ct);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        return consent.Headers.Location!;
    }

    public async Task<Guid> BookAsync(DateTimeOffset startsAt, int minutes = 30)
    {
        var booked = await Clinic.Admin.PostAsJsonAsync("/api/v1/appointments",
            new { patientId = Clinic.PatientId, clinicianId = ClinicianId, startsAt, endsAt = startsAt.AddMinutes(minutes), reason = "Follow-up on Maria's blood pressure" }, Ct);
        return (await booked.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    /// <summary>Waits for the sync that follows connecting (in the background) to finish.</summary>
    public Task<JsonElement> FirstSyncAsync() =>
        Eventually.ValueAsync(ConnectionAsync, c => c.GetProperty("lastSyncAt").ValueKind != JsonValueKind.Null, "the first sync ran");

    /// <summary>Makes the stored access token expire within the refresh margin, so the next call on any instance must refresh.</summary>
    public static async Task ExpireSoonAsync(SlicesApp app, Guid connectionId)
    {
        await using var db = new Npgsql.NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await db.OpenAsync(Ct);
        await using var expire = new Npgsql.NpgsqlCommand("UPDATE calendar_connections SET expires_at = now() + interval '1 minute' WHERE id = @id", db);
        expire.Parameters.AddWithValue("id", connectionId);
        Assert.Equal(1, await expire.ExecuteNonQueryAsync(Ct));
    }

    public async Task<JsonElement> ConnectionAsync()
    {
        var list = await (await Clinician.GetAsync("/api/v1/calendar/connections", Ct)).JsonAsync(HttpStatusCode.OK);
        return list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == ConnectionId);
    }
}
