using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Calendar;

public sealed class CalendarSyncTests(CalendarApp app) : IClassFixture<CalendarApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private FakeCalendars Fake => app.Fake;

    private async Task<NpgsqlConnection> DatabaseAsync()
    {
        var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await connection.OpenAsync(Ct);
        return connection;
    }

    [Theory]
    [InlineData("google", "calendar.events")]
    [InlineData("microsoft", "Calendars.ReadWrite")]
    public async Task Connecting_uses_pkce_and_a_signed_state_and_keeps_only_ciphertext_of_the_tokens(string provider, string scope)
    {
        var clinic = await Clinic.OpenAsync(app);
        var start = await (await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider }, Ct)).JsonAsync(HttpStatusCode.OK);
        var url = new Uri(start.GetProperty("authorizationUrl").GetString()!);
        var query = QueryHelpers.ParseQuery(url.Query);

        Assert.StartsWith($"{Fake.BaseUrl}{provider}/authorize", url.ToString(), StringComparison.Ordinal);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"].ToString().Length);
        Assert.Contains(scope, query["scope"].ToString(), StringComparison.Ordinal);
        Assert.EndsWith("/api/v1/calendar/oauth/callback", query["redirect_uri"].ToString(), StringComparison.Ordinal);
        Assert.Equal(3, query["state"].ToString().Split('.').Length); // a signed token

        Fake.NextAccount = $"admin.{Guid.NewGuid():N}@example.com";
        var callback = await ConnectedClinic.ConsentAsync(url.ToString());
        var connection = await (await app.CreateClient().GetAsync(callback.PathAndQuery, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("connected", connection.GetProperty("status").GetString());
        Assert.Equal(provider, connection.GetProperty("provider").GetString());
        await using var db = await DatabaseAsync();
        var row = await db.QuerySingleAsync<(string Access, string Refresh)>("SELECT access_token, refresh_token FROM calendar_connections WHERE id = @id",
            new { id = connection.GetProperty("id").GetGuid() });
        Assert.StartsWith("v1:t1:", row.Access, StringComparison.Ordinal);
        Assert.StartsWith("v1:t1:", row.Refresh, StringComparison.Ordinal);
        var events = await (await clinic.Admin.GetAsync($"/api/v1/audit/events?stream=calendar-connection/{connection.GetProperty("id").GetGuid()}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "calendar.connected");
    }

    [Fact]
    public async Task The_recurring_jobs_reconcile_every_connected_calendar_and_refresh_tokens_about_to_expire()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        await using var db = await DatabaseAsync();
        const string lastSync = "SELECT last_sync_at FROM calendar_connections WHERE id = @id";
        await Eventually.ValueAsync(() => db.QuerySingleAsync<DateTimeOffset?>(lastSync, new { id = connected.ConnectionId }), at => at is not null, "the first sync after connecting");
        Fake.AddOwnEvent(connected.Account, Clinic.Slot(13), Clinic.Slot(14));
        var jobs = app.Services.GetRequiredService<Hangfire.IRecurringJobManager>();

        jobs.Trigger("calendar-sync");

        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("SELECT count(*) FROM calendar_busy WHERE connection_id = @id", new { id = connected.ConnectionId }),
            n => n == 1, "the clinician's own busy time pulled by the 15-minute sync");

        var grants = Fake.RefreshGrants;
        await db.ExecuteAsync("UPDATE calendar_connections SET expires_at = now() + interval '8 minutes' WHERE id = @id", new { id = connected.ConnectionId });
        jobs.Trigger("calendar-token-refresh");

        var expires = await Eventually.ValueAsync(() => db.QuerySingleAsync<DateTimeOffset>("SELECT expires_at FROM calendar_connections WHERE id = @id", new { id = connected.ConnectionId }),
            at => at > DateTimeOffset.UtcNow.AddMinutes(30), "the token refreshed ahead of its expiry");
        Assert.True(Fake.RefreshGrants > grants);
        Assert.True(expires > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task Malformed_connection_requests_are_400s_naming_the_field_and_unknown_ids_404s()
    {
        var clinic = await Clinic.OpenAsync(app);

        var provider = await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "yahoo" }, Ct);
        var relative = await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "google", redirectUri = "/settings" }, Ct);
        var unknownField = await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "google", scope = "everything" }, Ct);
        var huge = await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "google", redirectUri = CalendarApp.AppOrigin + "/" + new string('a', 3000) }, Ct);
        var missing = await clinic.Admin.PostAsync($"/api/v1/calendar/connections/{Guid.NewGuid()}/sync", null, Ct);
        var noState = await app.CreateClient().GetAsync("/api/v1/calendar/oauth/callback?code=abc", Ct);

        Assert.True((await provider.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("provider", out _));
        Assert.True((await relative.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("redirectUri", out _));
        Assert.True((await unknownField.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("scope", out _));
        await huge.AssertProblemAsync(400);
        await missing.AssertProblemAsync(404);
        await noState.AssertProblemAsync(400);
    }

    [Fact]
    public async Task A_forged_altered_or_replayed_state_is_refused()
    {
        var clinic = await Clinic.OpenAsync(app);
        var start = await (await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "google" }, Ct)).JsonAsync(HttpStatusCode.OK);
        Fake.NextAccount = $"replay.{Guid.NewGuid():N}@example.com";
        var callback = await ConnectedClinic.ConsentAsync(start.GetProperty("authorizationUrl").GetString()!);
        var query = QueryHelpers.ParseQuery(callback.Query);
        var state = query["state"].ToString();
        var altered = state[..^4] + (state[^4..] == "AAAA" ? "BBBB" : "AAAA");

        var forged = await app.CreateClient().GetAsync($"/api/v1/calendar/oauth/callback?code={query["code"]}&state=not-a-state", Ct);
        var tampered = await app.CreateClient().GetAsync($"/api/v1/calendar/oauth/callback?code={query["code"]}&state={altered}", Ct);
        var first = await app.CreateClient().GetAsync(callback.PathAndQuery, Ct);
        var replay = await app.CreateClient().GetAsync(callback.PathAndQuery, Ct);

        await forged.AssertProblemAsync(400);
        await tampered.AssertProblemAsync(400);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("already completed", (await replay.AssertProblemAsync(400)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_redirect_uri_the_browser_returns_to_the_practices_app_and_other_origins_are_refused()
    {
        var clinic = await Clinic.OpenAsync(app);
        var elsewhere = await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "microsoft", redirectUri = "https://evil.example/steal" }, Ct);
        var start = await (await clinic.Admin.PostAsJsonAsync("/api/v1/calendar/connections",
            new { provider = "microsoft", redirectUri = $"{CalendarApp.AppOrigin}/settings/calendar" }, Ct)).JsonAsync(HttpStatusCode.OK);
        Fake.NextAccount = $"redirect.{Guid.NewGuid():N}@example.com";
        var callback = await ConnectedClinic.ConsentAsync(start.GetProperty("authorizationUrl").GetString()!);

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.CreateClient().BaseAddress };
        var back = await browser.GetAsync(callback.PathAndQuery, Ct);

        await elsewhere.AssertProblemAsync(400);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        Assert.StartsWith($"{CalendarApp.AppOrigin}/settings/calendar?calendar=connected&connectionId=", back.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task Appointments_are_created_moved_and_removed_in_the_calendar_without_patient_details(string provider)
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, provider);
        var startsAt = Clinic.Slot(10);

        var id = await connected.BookAsync(startsAt);
        var created = await Eventually.ValueAsync(() => Task.FromResult(Fake.Events(connected.Account)), e => e.Count == 1, "the booking is in the calendar");
        var read = await connected.Clinic.Admin.GetAsync($"/api/v1/appointments/{id}", Ct);
        var move = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/appointments/{id}") { Content = JsonContent.Create(new { startsAt = startsAt.AddHours(2), endsAt = startsAt.AddHours(2).AddMinutes(45) }) };
        move.Headers.IfMatch.ParseAdd(read.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await connected.Clinic.Admin.SendAsync(move, Ct)).StatusCode);
        var moved = await Eventually.ValueAsync(() => Task.FromResult(Fake.Events(connected.Account)), e => e.Single().Start == startsAt.AddHours(2), "the calendar event moved");
        Assert.Equal(HttpStatusCode.OK, (await connected.Clinic.Admin.PostAsJsonAsync($"/api/v1/appointments/{id}/cancel", new { reason = "Patient unwell" }, Ct)).StatusCode);
        await Eventually.ValueAsync(() => Task.FromResult(Fake.Events(connected.Account)), e => e.Count == 0, "the cancelled appointment left the calendar");

        Assert.Equal(startsAt, created.Single().Start);
        Assert.Equal(startsAt.AddHours(2).AddMinutes(45), moved.Single().End);
        Assert.Equal("Appointment (Slices)", created.Single().Title);
        // The sync records each push after the provider answered: the last one may land just after the calendar changed.
        var actions = await Eventually.ValueAsync(async () =>
        {
            var synced = await (await connected.Clinic.Admin.GetAsync($"/api/v1/audit/events?stream=calendar-connection/{connected.ConnectionId}", Ct)).JsonAsync(HttpStatusCode.OK);
            return synced.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "calendar.event_synced")
                .Select(e => e.GetProperty("data").GetProperty("action").GetString()).ToList();
        }, a => a.Count >= 3, "three pushes recorded");
        Assert.Equal(["created", "deleted", "updated"], actions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bookings_with_no_calendar_connected_are_settled_without_a_call_while_connected_ones_still_reach_the_provider()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        var plain = await Clinic.OpenAsync(app);

        // Interleaved, so the worker's batches mix appointments it must push with ones it can settle in bulk.
        var pushed = new List<Guid>();
        var settled = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            pushed.Add(await connected.BookAsync(Clinic.Slot(9 + i, daysAhead: 9)));
            settled.Add((await (await plain.BookAsync(Clinic.Slot(9 + i, daysAhead: 9))).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        }

        await using var db = await DatabaseAsync();
        await Eventually.ValueAsync(() => db.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE practice_id = ANY(@ids)",
            new { ids = new[] { connected.Clinic.Practice.PracticeId, plain.Practice.PracticeId } }), n => n == 0, "every outbox item is settled");
        var linked = (await db.QueryAsync<Guid>("SELECT appointment_id FROM calendar_event_links WHERE appointment_id = ANY(@ids)",
            new { ids = pushed.Concat(settled).ToArray() })).ToList();

        Assert.Equal(pushed.Order(), linked.Order());
        Assert.Equal(6, Fake.Events(connected.Account).Count);
    }

    [Theory]
    [InlineData("google")]
    [InlineData("microsoft")]
    public async Task A_create_that_succeeded_but_answered_500_is_retried_without_a_duplicate(string provider)
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, provider);
        Fake.FailAfterCreating(provider);

        var id = await connected.BookAsync(Clinic.Slot(11));
        await using var db = await DatabaseAsync();
        await Eventually.ValueAsync(() => db.ExecuteScalarAsync<long>("SELECT count(*) FROM calendar_event_links WHERE appointment_id = @id", new { id }),
            n => n == 1, "the retried push recorded its event");

        Assert.Single(Fake.Events(connected.Account));
    }

    [Fact]
    public async Task Booking_succeeds_while_the_provider_is_down_and_the_event_follows_when_it_is_back()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        Fake.Fail("google", "create", 503, times: 3, retryAfterSeconds: 1);

        var booked = await connected.Clinic.Admin.PostAsJsonAsync("/api/v1/appointments", new
        {
            patientId = connected.Clinic.PatientId, clinicianId = connected.ClinicianId, startsAt = Clinic.Slot(12), endsAt = Clinic.Slot(12, 30),
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var failing = await Eventually.ValueAsync(connected.ConnectionAsync, c => c.GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.String, "the failure is visible");
        await Eventually.TrueAsync(() => Fake.Events(connected.Account).Count == 1, "the event arrives once Google is back");

        Assert.Contains("503", failing.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Eventually.ValueAsync(connected.ConnectionAsync,
            c => c.GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.Null, "the error clears")).GetProperty("lastError").ValueKind);
    }

    [Fact]
    public async Task An_access_token_about_to_expire_is_refreshed_before_the_call()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        await connected.FirstSyncAsync();
        await ConnectedClinic.ExpireSoonAsync(app, connected.ConnectionId);
        var before = Fake.RefreshGrants;

        var sync = await (await connected.Clinician.PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(before + 1, Fake.RefreshGrants);
        Assert.True(sync.GetProperty("connection").GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task A_refused_refresh_marks_the_connection_and_later_syncs_skip_it()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "microsoft");
        await connected.FirstSyncAsync();
        Fake.RevokeAllGrants(); // the clinician removed the app's access in their Microsoft account: its tokens answer 401, its refresh invalid_grant

        await connected.BookAsync(Clinic.Slot(9));
        var marked = await Eventually.ValueAsync(connected.ConnectionAsync, c => c.GetProperty("status").GetString() == "reauth_required", "the connection is marked");
        var grantsAfterMarking = Fake.RefreshGrants;
        await connected.BookAsync(Clinic.Slot(15));
        var sync = await connected.Clinician.PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct);

        Assert.Contains("connect again", marked.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        await sync.AssertProblemAsync(409);
        Assert.Empty(Fake.Events(connected.Account));
        Assert.Equal(grantsAfterMarking, Fake.RefreshGrants);
        var events = await (await connected.Clinic.Admin.GetAsync($"/api/v1/audit/events?stream=calendar-connection/{connected.ConnectionId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Single(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "calendar.reauth_required");
    }

    [Fact]
    public async Task Busy_times_in_the_clinicians_own_calendar_are_kept_out_of_availability()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        var day = Clinic.Slot(0);
        Fake.AddOwnEvent(connected.Account, day.AddHours(10), day.AddHours(11));
        Fake.AddOwnEvent(connected.Account, day.AddHours(13), day.AddHours(14), busy: false); // marked free: not busy
        await connected.BookAsync(day.AddHours(15));
        await Eventually.TrueAsync(() => Fake.Events(connected.Account).Count == 3, "the booking is in the calendar");

        var sync = await (await connected.Clinician.PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct)).JsonAsync(HttpStatusCode.OK);
        var slots = await (await connected.Clinic.Admin.GetAsync(
            $"/api/v1/clinicians/{connected.ClinicianId}/availability?from={Uri.EscapeDataString(day.AddHours(8).ToString("O"))}&to={Uri.EscapeDataString(day.AddHours(18).ToString("O"))}&duration=30", Ct))
            .JsonAsync(HttpStatusCode.OK);
        var starts = slots.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startsAt").GetDateTimeOffset()).ToList();

        Assert.Equal(1, sync.GetProperty("busyBlocks").GetInt32()); // the dentist; not the free block, not Slices' own event
        Assert.DoesNotContain(day.AddHours(10), starts);
        Assert.DoesNotContain(day.AddHours(10.5), starts);
        Assert.Contains(day.AddHours(13), starts);
        Assert.DoesNotContain(day.AddHours(15), starts);
        Assert.Contains(day.AddHours(11), starts);
    }

    [Fact]
    public async Task Disconnecting_revokes_at_google_deletes_the_tokens_and_records_it()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        var revokedBefore = Fake.Revoked.Count;

        var response = await connected.Clinician.DeleteAsync($"/api/v1/calendar/connections/{connected.ConnectionId}", Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(revokedBefore + 1, Fake.Revoked.Count);
        Assert.StartsWith("refresh-", Fake.Revoked[^1], StringComparison.Ordinal);
        await using var db = await DatabaseAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM calendar_connections WHERE id = @id", new { id = connected.ConnectionId }));
        var events = await (await connected.Clinic.Admin.GetAsync($"/api/v1/audit/events?stream=calendar-connection/{connected.ConnectionId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "calendar.disconnected");
    }

    [Fact]
    public async Task Another_users_connection_is_not_found_but_an_admin_can_manage_it()
    {
        var connected = await ConnectedClinic.OpenAsync(app, Fake, "google");
        var (_, _, staffToken) = await app.AddUserAsync(connected.Clinic.Practice, "staff");
        var other = await ConnectedClinic.OpenAsync(app, Fake, "google");

        var staff = await app.As(staffToken).PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct);
        var otherPractice = await other.Clinic.Admin.DeleteAsync($"/api/v1/calendar/connections/{connected.ConnectionId}", Ct);
        var admin = await connected.Clinic.Admin.PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct);
        var adminList = await (await connected.Clinic.Admin.GetAsync("/api/v1/calendar/connections", Ct)).JsonAsync(HttpStatusCode.OK);

        await staff.AssertProblemAsync(404);
        await otherPractice.AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains(adminList.GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == connected.ConnectionId);
    }

    [Fact]
    public async Task After_a_full_connect_and_sync_no_token_is_anywhere_in_the_database_in_plaintext()
    {
        foreach (var provider in new[] { "google", "microsoft" })
        {
            var connected = await ConnectedClinic.OpenAsync(app, Fake, provider);
            await connected.BookAsync(Clinic.Slot(16));
            await Eventually.TrueAsync(() => Fake.Events(connected.Account).Count == 1, "the booking is in the calendar");
            Assert.Equal(HttpStatusCode.OK, (await connected.Clinician.PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct)).StatusCode);
        }
        await using var db = await DatabaseAsync();
        var columns = (await db.QueryAsync<(string Table, string Column)>("""
            SELECT c.table_schema || '.' || c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'USER-DEFINED', 'ARRAY')
            """)).ToList();
        var tokens = Fake.IssuedTokens.ToArray();

        Assert.Contains(columns, c => c.Table == "public.calendar_connections" && c.Column == "access_token");
        Assert.True(tokens.Length >= 4);
        foreach (var (table, column) in columns)
        {
            var hits = await db.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE \"{column}\"::text LIKE ANY (@patterns)",
                new { patterns = tokens.Select(t => $"%{t}%").ToArray() });
            Assert.True(hits == 0, $"a token in plaintext in {table}.{column}");
        }
    }
}
