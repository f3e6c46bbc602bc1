using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Webhooks;

public sealed class WebhookTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private WebhookReceiver Receiver => app.Receiver;

    private static async Task<(Guid Id, string Secret)> SubscribeAsync(HttpClient admin, string url, params string[] events)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events, description = "test receiver" }, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        var created = await response.JsonAsync(HttpStatusCode.Created);
        return (created.GetProperty("id").GetGuid(), created.GetProperty("secret").GetString()!);
    }

    private static async Task<T> WithinAsync<T>(TimeSpan limit, Func<T> read, Func<T, bool> done, string what)
    {
        var until = DateTime.UtcNow + limit;
        var value = read();
        while (!done(value) && DateTime.UtcNow < until)
        {
            await Task.Delay(100, Ct);
            value = read();
        }
        Assert.True(done(value), $"after {limit.TotalSeconds} s, still not: {what}");
        return value;
    }

    [Fact]
    public async Task Every_one_of_a_thousand_events_is_delivered_with_a_valid_signature_while_the_receiver_fails_30_percent_of_attempts()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var url = $"{Receiver.Url}?practice={practice.PracticeId}";
        var (_, secret) = await SubscribeAsync(admin, url, "patient.created");
        Receiver.FailRate = 0.3;
        var patients = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
        {
            var created = await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Ana", familyName = $"Webhook{i}", dateOfBirth = "1990-01-01", sex = "female" }, ct);
            patients.Add((await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        });

        bool Mine(WebhookReceiver.Received r) => r.Body.Contains("\"patient.created\"", StringComparison.Ordinal) && patients.Contains(PatientOf(r));
        var delivered = await WithinAsync(TimeSpan.FromSeconds(180), () => Receiver.Delivered.Where(Mine).Select(r => r.MessageId).Distinct().Count(), n => n == 1000, "1000 messages delivered");
        Receiver.FailRate = 0;

        var mine = Receiver.Requests.Where(Mine).ToList();
        Assert.All(mine, r => Assert.True(WebhookReceiver.IsSignedBy(r, secret), $"bad signature on {r.MessageId}"));
        Assert.All(mine.Where(r => r.Answered2xx), r => Assert.True(WebhookReceiver.LibraryVerifies(r, secret), $"the StandardWebhooks library refused {r.MessageId}"));
        Assert.Equal(1000, delivered);
        Assert.Equal(patients.Order(), mine.Select(PatientOf).Distinct().Order());
        Assert.All(mine, r => Assert.DoesNotContain("Webhook", r.Body, StringComparison.Ordinal)); // ids, not names
        // A message keeps its webhook-id and body on every retry.
        Assert.All(mine.GroupBy(r => r.MessageId), g => Assert.Single(g.Select(r => r.Body).Distinct()));
        // After a 429 with Retry-After: 1, the next attempt of that message waits at least that second.
        var afterTooMany = mine.GroupBy(r => r.MessageId).SelectMany(g => g.OrderBy(r => r.At).Zip(g.OrderBy(r => r.At).Skip(1)))
            .Where(pair => pair.First.Failure == "429").Select(pair => pair.Second.At - pair.First.At).ToList();
        Assert.NotEmpty(afterTooMany);
        Assert.All(afterTooMany, gap => Assert.True(gap >= TimeSpan.FromSeconds(0.9), $"retried {gap.TotalMilliseconds} ms after a 429"));
        var failedAttempts = mine.Count(r => !r.Answered2xx);
        Assert.InRange((double)failedAttempts / mine.Count, 0.2, 0.4);
        var stats = await WithinAsync(TimeSpan.FromSeconds(30), () => admin.GetAsync("/api/v1/webhooks/stats", Ct).Result.Content.ReadFromJsonAsync<JsonElement>(Ct).Result,
            s => s.GetProperty("succeeded").GetInt64() == 1000, "the stats count them");
        Assert.Equal(0, stats.GetProperty("failed").GetInt64());
        Assert.Equal(1.0, stats.GetProperty("successRate").GetDouble());
        TestContext.Current.SendDiagnosticMessage($"{mine.Count} attempts for 1000 messages, {failedAttempts} failed by the receiver ({100.0 * failedAttempts / mine.Count:F1}%); delivered 1000 of 1000");
    }

    [Fact]
    public async Task Deleting_an_endpoint_removes_it_with_its_history_and_another_practice_cannot_touch_it()
    {
        var practice = await app.SignUpAsync();
        var other = await app.SignUpAsync("Other Clinic");
        var admin = app.AsAdmin(practice);
        var (id, _) = await SubscribeAsync(admin, $"{Receiver.Url}?practice={practice.PracticeId}", "patient.created");
        var sent = await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);
        await WithinAsync(TimeSpan.FromSeconds(30), () => Receiver.Delivered.Any(r => r.MessageId == sent.GetProperty("messageId").GetString()), d => d, "the test message");

        var theirs = app.AsAdmin(other);
        await (await theirs.GetAsync($"/api/v1/webhooks/{id}", Ct)).AssertProblemAsync(404);
        await (await theirs.DeleteAsync($"/api/v1/webhooks/{id}", Ct)).AssertProblemAsync(404);
        await (await theirs.PostAsync($"/api/v1/webhooks/deliveries/{sent.GetProperty("deliveryId").GetGuid()}/retry", null, Ct)).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}", Ct)).StatusCode);

        await (await admin.GetAsync($"/api/v1/webhooks/{id}", Ct)).AssertProblemAsync(404);
        await (await admin.GetAsync($"/api/v1/webhooks/{id}/deliveries", Ct)).AssertProblemAsync(404);
    }

    [Fact]
    public async Task An_event_handed_to_the_fan_out_again_makes_no_second_delivery()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var url = $"{Receiver.Url}?practice={practice.PracticeId}";
        await SubscribeAsync(admin, url, "patient.created");
        var patientId = (await (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Ana", familyName = "Twice", dateOfBirth = "1990-01-01", sex = "female" }, Ct))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var first = await WithinAsync(TimeSpan.FromSeconds(30), () => Receiver.Delivered.FirstOrDefault(r => r.Body.Contains(patientId.ToString(), StringComparison.Ordinal)), r => r is not null, "the first delivery");
        await using var db = new Npgsql.NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var seq = await Dapper.SqlMapper.QuerySingleAsync<long>(db, "SELECT seq FROM events WHERE practice_id = @practiceId AND stream = @stream",
            new { practice.PracticeId, stream = $"patient/{patientId}" });
        var fanOut = app.Services.GetServices<Slices.Api.Platform.Outbox.IOutboxConsumer>().Single(c => c.Name == "webhooks");

        // As a second worker would, or the same one after a crash before settling its outbox batch.
        var item = new Slices.Api.Platform.Outbox.OutboxItem(0, practice.PracticeId, seq, $"patient/{patientId}", "patient.created", 2);
        await Task.WhenAll(fanOut.HandleAsync(item, Ct), fanOut.HandleAsync(item, Ct));
        await Task.Delay(1000, Ct);

        Assert.Single(Receiver.Requests, r => r.MessageId == first!.MessageId);
        Assert.Equal(1, await Dapper.SqlMapper.QuerySingleAsync<long>(db, "SELECT count(*) FROM webhook_deliveries WHERE message_id = @messageId", new { first!.MessageId }));
    }

    private static Guid PatientOf(WebhookReceiver.Received r) =>
        JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("patientId").GetGuid();

    [Fact]
    public async Task During_a_secret_rotation_messages_carry_both_signatures_and_each_secret_verifies_one()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var url = $"{Receiver.Url}?practice={practice.PracticeId}";
        var (id, oldSecret) = await SubscribeAsync(admin, url, "appointment.scheduled");

        var rotated = await (await admin.PostAsync($"/api/v1/webhooks/{id}/rotate-secret", null, Ct)).JsonAsync(HttpStatusCode.OK);
        var newSecret = rotated.GetProperty("secret").GetString()!;
        var sent = await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);
        var messageId = sent.GetProperty("messageId").GetString()!;

        var received = await WithinAsync(TimeSpan.FromSeconds(30), () => Receiver.Delivered.FirstOrDefault(r => r.MessageId == messageId), r => r is not null, "the test message");
        Assert.NotEqual(oldSecret, newSecret);
        Assert.Equal(2, received!.Signatures.Length);
        Assert.True(WebhookReceiver.IsSignedBy(received, newSecret));
        Assert.True(WebhookReceiver.IsSignedBy(received, oldSecret));
        Assert.False(WebhookReceiver.IsSignedBy(received, "whsec_" + Convert.ToBase64String(new byte[32])));
        // The StandardWebhooks package (1.1.2) checks only the first signature of the header: the old secret's comes first.
        Assert.True(WebhookReceiver.LibraryVerifies(received, oldSecret));
        Assert.False(WebhookReceiver.LibraryVerifies(received, "whsec_" + Convert.ToBase64String(new byte[32])));
        using var body = JsonDocument.Parse(received.Body);
        Assert.Equal("webhook.test", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(id, body.RootElement.GetProperty("data").GetProperty("endpointId").GetGuid());
        Assert.InRange(received.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/hooks")]
    [InlineData("http://10.0.0.1/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:9/hooks")]
    [InlineData("http://[::1]:9/hooks")]
    [InlineData("http://192.168.1.20/hooks")]
    [InlineData("ftp://hooks.example.com/")]
    public async Task Urls_into_the_internal_network_are_refused(string url)
    {
        await using var strict = await SlicesApp.StartAsync(_ => { }); // loopback not allowed here
        var practice = await strict.SignUpAsync();

        var problem = await (await strict.AsAdmin(practice).PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { "patient.created" } }, Ct)).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _), problem.ToString());
    }

    [Theory]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["patient.exploded"]}""", "events[0]")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":[]}""", "events")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":"patient.created"}""", "events")]
    [InlineData("""{"url":"not a url","events":["patient.created"]}""", "url")]
    [InlineData("""{"events":["patient.created"]}""", "url")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["patient.created"],"secret":"whsec_mine"}""", "secret")]
    [InlineData("""{"url":"https://hooks.example.com/x","events":["patient.created","patient.created"]}""", "events")]
    public async Task Malformed_subscriptions_are_400s_naming_the_field(string body, string field)
    {
        var practice = await app.SignUpAsync();

        var problem = await (await app.AsAdmin(practice).PostAsync("/api/v1/webhooks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct)).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.Equals(field, StringComparison.OrdinalIgnoreCase)), problem.ToString());
    }

    [Fact]
    public async Task Oversized_fields_and_a_bad_patch_are_400s_and_change_nothing()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var (id, _) = await SubscribeAsync(admin, $"{Receiver.Url}?practice={practice.PracticeId}", "patient.created");

        var longUrl = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/" + new string('a', 2000), events = new[] { "patient.created" } }, Ct);
        var longDescription = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x", events = new[] { "patient.created" }, description = new string('d', 501) }, Ct);
        var badPatch = await admin.PatchAsync($"/api/v1/webhooks/{id}", new StringContent("""{"enabled":"yes"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
        var emptyEvents = await admin.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { events = Array.Empty<string>() }, Ct);

        await longUrl.AssertProblemAsync(400);
        await longDescription.AssertProblemAsync(400);
        await badPatch.AssertProblemAsync(400);
        await emptyEvents.AssertProblemAsync(400);
        var unchanged = await (await admin.GetAsync($"/api/v1/webhooks/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(unchanged.GetProperty("enabled").GetBoolean());
        Assert.Equal(["patient.created"], unchanged.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task In_production_only_https_urls_are_accepted()
    {
        await using var production = await SlicesApp.StartAsync(s => s["environment"] = "Production");
        var practice = await production.SignUpAsync();

        var problem = await (await production.AsAdmin(practice).PostAsJsonAsync("/api/v1/webhooks", new { url = "http://hooks.example.com/slices", events = new[] { "patient.created" } }, Ct)).AssertProblemAsync(400);

        Assert.Contains("https", problem.GetProperty("errors").GetProperty("url")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_that_became_internal_after_saving_is_refused_at_delivery()
    {
        // Saved by an instance that allows loopback (and delivers nothing); delivered by one that does not, as when
        // DNS moves a host inside the network after it was checked.
        await using var saving = await SlicesApp.StartAsync(s =>
        {
            WebhookApp.Configure(s);
            s["SLICES_ROLE"] = "api";
        });
        await using var delivering = await saving.StartAnotherAsync(s =>
        {
            WebhookApp.Configure(s);
            s["Webhooks:AllowLoopback"] = "false";
        });
        var practice = await saving.SignUpAsync();
        var admin = saving.AsAdmin(practice);
        var (id, _) = await SubscribeAsync(admin, $"{Receiver.Url}?practice={practice.PracticeId}", "patient.created");

        var sent = await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);

        var messageId = sent.GetProperty("messageId").GetString()!;
        var deliveries = await Eventually.ValueAsync(
            async () => await (await admin.GetAsync($"/api/v1/webhooks/{id}/deliveries", Ct)).JsonAsync(HttpStatusCode.OK),
            d => d.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("attempts").GetInt32() >= 2), "attempts made");
        var attempt = deliveries.GetProperty("items")[0].GetProperty("attemptLog")[0];
        Assert.StartsWith("refused", attempt.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("statusCode").ValueKind);
        Assert.DoesNotContain(Receiver.Requests, r => r.MessageId == messageId);
    }

    [Fact]
    public async Task A_redirect_is_a_failure_and_410_gone_disables_the_endpoint_at_once()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        await using var gone = await WebhookReceiver.StartAsync();
        gone.Status = 410;
        await using var moved = await WebhookReceiver.StartAsync();
        moved.Status = 302;
        var (goneId, _) = await SubscribeAsync(admin, gone.Url, "patient.created");
        var (movedId, _) = await SubscribeAsync(admin, moved.Url, "patient.created");

        await (await admin.PostAsync($"/api/v1/webhooks/{goneId}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);
        await (await admin.PostAsync($"/api/v1/webhooks/{movedId}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);

        var disabled = await Eventually.ValueAsync(async () => await (await admin.GetAsync($"/api/v1/webhooks/{goneId}", Ct)).JsonAsync(HttpStatusCode.OK),
            w => !w.GetProperty("enabled").GetBoolean(), "the endpoint that answered 410 is disabled");
        Assert.Contains("410", disabled.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        Assert.Single(gone.Requests);
        await Eventually.TrueAsync(() => moved.Requests.Count >= 3, "the redirecting endpoint is retried");
        Assert.DoesNotContain(moved.Requests, r => r.Answered2xx);
        var events = await (await admin.GetAsync($"/api/v1/audit/events?stream=webhook/{goneId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "webhook.endpoint_disabled");
    }

    [Fact]
    public async Task A_worker_killed_mid_delivery_loses_nothing_and_repeats_only_under_the_same_webhook_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var api = await SlicesApp.StartAsync(s =>
        {
            WebhookApp.Configure(s);
            s["SLICES_ROLE"] = "api"; // the worker processes below deliver
        });
        var practice = await api.SignUpAsync();
        var admin = api.AsAdmin(practice);
        await SubscribeAsync(admin, receiver.Url, "patient.created");
        var patients = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (i, ct) =>
            patients.Add((await (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Ana", familyName = $"Kill{i}", dateOfBirth = "1990-01-01", sex = "female" }, ct))
                .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid()));

        receiver.Hold = TimeSpan.FromSeconds(1.5);
        var first = StartWorker(api);
        await WithinAsync(TimeSpan.FromSeconds(60), () => receiver.Waiting, n => n >= 10 || first.HasExited, "the first worker has messages in flight");
        Assert.False(first.HasExited, first.Stdout + first.Stderr);
        await first.DisposeAsync(); // SIGKILL with messages in flight
        receiver.Hold = TimeSpan.Zero;
        await using var second = StartWorker(api);

        await WithinAsync(TimeSpan.FromSeconds(120), () => receiver.Delivered.Select(r => r.MessageId).Distinct().Count(), n => n == 200, "all 200 messages delivered");
        var all = receiver.Requests;
        Assert.Equal(patients.Order(), all.Select(PatientOf).Distinct().Order());
        Assert.Equal(200, all.Select(r => r.MessageId).Distinct().Count()); // one webhook-id per event, however often it was sent
        Assert.All(all.GroupBy(r => r.MessageId), g => Assert.Single(g.Select(r => r.Body).Distinct()));
        Assert.Contains(all, r => r.Failure == "sender gone"); // the kill did cut deliveries short
    }

    private static AppProcess StartWorker(SlicesApp api)
    {
        var environment = new Dictionary<string, string?>(TestStack.SecretVariables())
        {
            ["DATABASE_URL"] = api.Settings["DATABASE_URL"],
            ["MIGRATIONS_DATABASE_URL"] = api.Settings["MIGRATIONS_DATABASE_URL"],
            ["REDIS_URL"] = api.Settings["REDIS_URL"],
            ["PORT"] = TestStack.DeadPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SLICES_ROLE"] = "worker",
            ["LOG_FORMAT"] = "json",
        };
        var settings = new Dictionary<string, string?>();
        WebhookApp.Configure(settings);
        settings["Webhooks:TimeoutSeconds"] = "3";
        settings["Outbox:LockSeconds"] = "10"; // events a killed worker had claimed but not fanned out come back soon
        foreach (var (key, value) in settings) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return AppProcess.Start(environment);
    }

    [Fact]
    public async Task An_endpoint_failing_every_attempt_for_the_set_time_is_disabled_with_an_event_and_an_email_to_the_admins()
    {
        await using var smtp = FakeSmtp.Start();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 500;
        await using var failing = await SlicesApp.StartAsync(s =>
        {
            WebhookApp.Configure(s);
            smtp.Configure(s);
            s["Webhooks:RetrySchedule"] = "0" + string.Concat(Enumerable.Repeat(",0.6", 19)); // 20 attempts over about 11 s
            s["Webhooks:DisableAfterDays"] = "0.0001"; // 8.6 s
        });
        var practice = await failing.SignUpAsync("Failing Receiver Clinic");
        var admin = failing.AsAdmin(practice);
        var (id, _) = await SubscribeAsync(admin, receiver.Url, "patient.created");

        await (await admin.PostAsync($"/api/v1/webhooks/{id}/test", null, Ct)).JsonAsync(HttpStatusCode.Accepted);

        var disabled = await WithinAsync(TimeSpan.FromSeconds(40), () => admin.GetAsync($"/api/v1/webhooks/{id}", Ct).Result.Content.ReadFromJsonAsync<JsonElement>(Ct).Result,
            w => !w.GetProperty("enabled").GetBoolean(), "the endpoint is disabled");
        Assert.StartsWith("every attempt failed for", disabled.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        var email = await WithinAsync(TimeSpan.FromSeconds(30), () => smtp.Delivered.FirstOrDefault(m => m.To.Mailboxes.Any(b => b.Address == practice.AdminEmail)), m => m is not null, "the admin's email");
        Assert.Equal("A webhook endpoint of Failing Receiver Clinic was disabled", email!.Subject);
        Assert.Contains(receiver.Url, email.TextBody, StringComparison.Ordinal);
        Assert.Contains("every attempt failed", email.TextBody, StringComparison.Ordinal);
        var events = await (await admin.GetAsync($"/api/v1/audit/events?stream=webhook/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(events.GetProperty("items").EnumerateArray(), e => e.GetProperty("type").GetString() == "webhook.endpoint_disabled");
        var before = receiver.Requests.Count;
        await Task.Delay(1500, Ct);
        Assert.Equal(before, receiver.Requests.Count); // nothing more is sent to it
    }
}
