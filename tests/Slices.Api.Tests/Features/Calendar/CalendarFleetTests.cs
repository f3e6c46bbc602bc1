using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Calendar;

/// <summary>Several instances on one database and Redis, as in production: refreshes, rotation, configuration.</summary>
public sealed class CalendarFleetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A second instance on the first one's database and Redis, with settings of its own.</summary>
    private static Task<SlicesApp> SecondInstanceAsync(SlicesApp first, FakeCalendars fake, Action<Dictionary<string, string?>>? more = null) =>
        first.StartAnotherAsync(s =>
        {
            CalendarApp.Configure(s, fake);
            more?.Invoke(s);
        });

    [Fact]
    public async Task Two_instances_refreshing_at_once_spend_the_rotating_refresh_token_once()
    {
        await using var first = new CalendarApp();
        await first.InitializeAsync();
        var connected = await ConnectedClinic.OpenAsync(first, first.Fake, "microsoft");
        await connected.FirstSyncAsync();
        await ConnectedClinic.ExpireSoonAsync(first, connected.ConnectionId);
        await using var second = await SecondInstanceAsync(first, first.Fake);
        var token = connected.Clinician.DefaultRequestHeaders.Authorization!.Parameter!;
        var before = first.Fake.RefreshGrants;

        var syncs = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            (i % 2 == 0 ? first : second).As(token).PostAsync($"/api/v1/calendar/connections/{connected.ConnectionId}/sync", null, Ct)));

        Assert.All(syncs, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));
        Assert.Equal(before + 1, first.Fake.RefreshGrants);
        Assert.Equal(0, first.Fake.SpentRefreshTokenUses);
        Assert.Equal("connected", (await connected.ConnectionAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_new_key_takes_over_and_reencryption_moves_every_value_while_requests_run()
    {
        await using var first = new CalendarApp();
        await first.InitializeAsync();
        var connections = new List<ConnectedClinic>();
        foreach (var provider in new[] { "google", "microsoft", "google" }) connections.Add(await ConnectedClinic.OpenAsync(first, first.Fake, provider));
        var operatorPractice = connections[0].Clinic.Practice;
        var newKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        // Step 1 of a rotation: every instance knows the new key. Step 2: it becomes the active one.
        await using var rotated = await SecondInstanceAsync(first, first.Fake, s =>
        {
            s["Crypto:Keys:t2"] = newKey;
            s["Crypto:ActiveKeyId"] = "t2";
            s["Operator:PracticeId"] = operatorPractice.PracticeId.ToString();
        });
        var operatorClient = rotated.AsAdmin(operatorPractice);

        var before = await (await operatorClient.GetAsync("/api/v1/admin/encryption/keys", Ct)).JsonAsync(HttpStatusCode.OK);
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            var served = 0;
            while (!stop.IsCancellationRequested)
                foreach (var c in connections)
                {
                    var sync = await rotated.As(c.Clinician.DefaultRequestHeaders.Authorization!.Parameter!).PostAsync($"/api/v1/calendar/connections/{c.ConnectionId}/sync", null, Ct);
                    Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
                    served++;
                }
            return served;
        }, Ct);
        var result = await (await operatorClient.PostAsJsonAsync("/api/v1/admin/encryption/reencrypt", new { batchSize = 2 }, Ct)).JsonAsync(HttpStatusCode.OK);
        while (result.GetProperty("remaining").GetInt64() > 0) // rows busy in a request are left for the next pass
            result = await (await operatorClient.PostAsJsonAsync("/api/v1/admin/encryption/reencrypt", new { batchSize = 2 }, Ct)).JsonAsync(HttpStatusCode.OK);
        await stop.CancelAsync();
        var requestsDuring = await traffic;
        var after = await (await operatorClient.GetAsync("/api/v1/admin/encryption/keys", Ct)).JsonAsync(HttpStatusCode.OK);

        long Values(System.Text.Json.JsonElement report, string key) =>
            report.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("keyId").GetString() == key).GetProperty("values").GetInt64();
        Assert.True(Values(before, "t1") >= 6, "each connection's two tokens were under t1");
        Assert.Equal(0, Values(after, "t1"));
        Assert.Equal(Values(before, "t1") + Values(before, "t2"), Values(after, "t2"));
        Assert.True(requestsDuring > 0);
        Assert.Equal(0, result.GetProperty("unreadable").GetInt64());

        // Step 4: the old key is gone from configuration, and everything still reads.
        await using var onlyNewKey = await SecondInstanceAsync(first, first.Fake, s =>
        {
            s.Remove("Crypto:Keys:t1");
            s["Crypto:Keys:t2"] = newKey;
            s["Crypto:ActiveKeyId"] = "t2";
        });
        foreach (var c in connections)
        {
            var sync = await onlyNewKey.As(c.Clinician.DefaultRequestHeaders.Authorization!.Parameter!).PostAsync($"/api/v1/calendar/connections/{c.ConnectionId}/sync", null, Ct);
            Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        }
    }

    [Fact]
    public async Task A_provider_too_slow_to_answer_or_rate_limiting_is_retried_until_the_event_is_there_once()
    {
        await using var app = new CalendarApp();
        app.Settings["Calendar:RequestTimeoutSeconds"] = "1";
        await app.InitializeAsync();
        var connected = await ConnectedClinic.OpenAsync(app, app.Fake, "microsoft");
        app.Fake.Slow("microsoft", "create", TimeSpan.FromSeconds(3));
        app.Fake.Fail("microsoft", "create", 429, retryAfterSeconds: 1);

        await connected.BookAsync(Clinic.Slot(10));
        await Eventually.TrueAsync(() => app.Fake.Events(connected.Account).Count == 1, "the event arrives after the timeout and the 429");
        var connection = await Eventually.ValueAsync(connected.ConnectionAsync, c => c.GetProperty("lastError").ValueKind == System.Text.Json.JsonValueKind.Null, "the error clears");

        // The timed-out create did land (late): Graph's transactionId made the retry return it, not a second event.
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        Assert.Single(app.Fake.Events(connected.Account));
        Assert.Equal("connected", connection.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_admins_of_the_operator_practice_see_the_key_report()
    {
        await using var first = new CalendarApp();
        await first.InitializeAsync();
        var operatorPractice = await first.SignUpAsync("Slices Operations");
        var customer = await first.SignUpAsync("Customer Clinic");
        await using var app = await SecondInstanceAsync(first, first.Fake, s => s["Operator:PracticeId"] = operatorPractice.PracticeId.ToString());
        var (_, _, clinicianToken) = await app.AddUserAsync(operatorPractice, "clinician");

        var asOperator = await app.AsAdmin(operatorPractice).GetAsync("/api/v1/admin/encryption/keys", Ct);
        var asCustomerAdmin = await app.AsAdmin(customer).GetAsync("/api/v1/admin/encryption/keys", Ct);
        var asOperatorClinician = await app.As(clinicianToken).GetAsync("/api/v1/admin/encryption/keys", Ct);

        var badBatch = await app.AsAdmin(operatorPractice).PostAsJsonAsync("/api/v1/admin/encryption/reencrypt", new { batchSize = 0 }, Ct);

        Assert.Equal("t1", (await asOperator.JsonAsync(HttpStatusCode.OK)).GetProperty("activeKeyId").GetString());
        Assert.True((await badBatch.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("batchSize", out _));
        await asCustomerAdmin.AssertProblemAsync(403);
        await asOperatorClinician.AssertProblemAsync(403);
    }

    [Fact]
    public async Task A_provider_without_credentials_is_reported_as_not_configured()
    {
        await using var app = await SlicesApp.StartAsync(_ => { }); // no Calendar settings at all
        var practice = await app.SignUpAsync();

        var providers = await (await app.AsAdmin(practice).GetAsync("/api/v1/calendar/providers", Ct)).JsonAsync(HttpStatusCode.OK);
        var connect = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/calendar/connections", new { provider = "google" }, Ct);

        Assert.All(providers.GetProperty("items").EnumerateArray(), p => Assert.False(p.GetProperty("configured").GetBoolean()));
        Assert.Contains("not configured", (await connect.AssertProblemAsync(422)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
