using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Platform.Jobs;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class JobsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AppProcess StartWorker(SlicesApp api, FakeSmtp smtp) =>
        AppProcess.Start(new Dictionary<string, string?>(TestStack.SecretVariables())
        {
            ["DATABASE_URL"] = api.Settings["DATABASE_URL"],
            ["MIGRATIONS_DATABASE_URL"] = api.Settings["MIGRATIONS_DATABASE_URL"],
            ["REDIS_URL"] = api.Settings["REDIS_URL"],
            ["PORT"] = TestStack.DeadPort().ToString(CultureInfo.InvariantCulture),
            ["SLICES_ROLE"] = "worker",
            ["LOG_FORMAT"] = "json",
            ["Email__SmtpHost"] = "127.0.0.1",
            ["Email__SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Email__Security"] = "none",
            ["Outbox__PollIntervalMs"] = "50",
            ["Jobs__InvisibilitySeconds"] = "3",
        });

    [Fact]
    public async Task A_worker_killed_mid_job_leaves_the_job_to_the_next_worker_and_the_patient_gets_one_email()
    {
        await using var smtp = FakeSmtp.Start();
        smtp.Hold();
        await using var api = await SlicesApp.StartAsync(s =>
        {
            smtp.Configure(s);
            s["SLICES_ROLE"] = "api"; // this process only serves HTTP: the workers below do the background work
        });
        var booked = await PatientWithEmail.BookAsync(api, Clinic.Slot(10));

        var first = StartWorker(api, smtp);
        await Eventually.TrueAsync(() => smtp.Waiting == 1 || first.HasExited, "the first worker is handing the email to the relay");
        Assert.False(first.HasExited, first.Stdout + first.Stderr);
        await first.DisposeAsync(); // SIGKILL, mid-conversation with the relay: nothing delivered
        Assert.Empty(smtp.Delivered);

        smtp.Release();
        await using var second = StartWorker(api, smtp);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(api.Database));
        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("""
            SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded' AND invocationdata ->> 'Type' LIKE '%AppointmentEmailJob%'
            """), n => n == 1, "the email job succeeded on the second worker");

        var email = Assert.Single(smtp.Delivered);
        Assert.Equal(booked.PatientEmail, email.To.Mailboxes.Single().Address);
        Assert.Equal(1, await db.QuerySingleAsync<long>("SELECT count(*) FROM sent_emails WHERE appointment_id = @id", new { id = booked.AppointmentId }));
    }

    [Fact]
    public async Task A_recurring_job_runs_once_per_occurrence_with_two_workers_sharing_the_schedule()
    {
        static void EverySecond(Dictionary<string, string?> s)
        {
            s["Jobs:Schedules:purge-expired"] = "* * * * * *";
            s["Jobs:SchedulePollingMs"] = "100";
        }
        await using var first = await SlicesApp.StartAsync(EverySecond);
        await using var second = await first.StartAnotherAsync(EverySecond);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(first.Database));
        const string runs = """
            SELECT t.value FROM hangfire.job j
            JOIN hangfire.jobparameter r ON r.jobid = j.id AND r.name = 'RecurringJobId' AND r.value = '"purge-expired"'
            JOIN hangfire.jobparameter t ON t.jobid = j.id AND t.name = 'Time'
            """;
        var occurrences = await Eventually.ValueAsync(() => db.QueryAsync<string>(runs), r => r.Count() >= 5, "five occurrences");
        var servers = await db.QuerySingleAsync<long>("SELECT count(*) FROM hangfire.server");

        Assert.Equal(2, servers);
        Assert.Equal(occurrences.Count(), occurrences.Distinct().Count()); // no occurrence started twice
        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("""
            SELECT count(*) FROM hangfire.job j JOIN hangfire.jobparameter r ON r.jobid = j.id AND r.name = 'RecurringJobId' AND r.value = '"purge-expired"'
            WHERE j.statename = 'Succeeded'
            """), n => n >= 5, "the runs succeeded");
    }

    [Fact]
    public async Task The_purge_deletes_spent_idempotency_keys_long_expired_sessions_and_old_settled_deliveries_and_keeps_the_rest()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        foreach (var key in new[] { "old-key", "fresh-key" })
        {
            var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients")
            {
                Content = JsonContent.Create(new { givenName = "Ana", familyName = key, dateOfBirth = "1990-01-01", sex = "female" }),
            };
            create.Headers.Add("Idempotency-Key", key);
            Assert.Equal(HttpStatusCode.Created, (await admin.SendAsync(create, Ct)).StatusCode);
        }
        var oldSession = await app.LoginAsync(practice.AdminEmail, practice.AdminPassword);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await db.ExecuteAsync("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'old-key'");
        var sessions = await db.QuerySingleAsync<long>("SELECT count(*) FROM sessions WHERE practice_id = @id", new { id = practice.PracticeId });
        await db.ExecuteAsync("""
            UPDATE sessions SET created_at = now() - interval '60 days', expires_at = now() - interval '31 days'
            WHERE id = (SELECT id FROM sessions WHERE practice_id = @id ORDER BY created_at DESC LIMIT 1)
            """, new { id = practice.PracticeId });

        var endpointId = Guid.NewGuid(); // switched off, so the events of the patients above are not fanned out to it
        await db.ExecuteAsync("""
            INSERT INTO webhook_endpoints (practice_id, id, url, events, secret, enabled) VALUES (@practiceId, @endpointId, 'https://hooks.example.com/', ARRAY['patient.created'], 'v1:t1:x', false);
            INSERT INTO webhook_deliveries (practice_id, id, endpoint_id, message_id, type, body, status, created_at) VALUES
                (@practiceId, gen_random_uuid(), @endpointId, 'msg_old', 'patient.created', '{}', 'succeeded', now() - interval '31 days'),
                (@practiceId, gen_random_uuid(), @endpointId, 'msg_recent', 'patient.created', '{}', 'failed', now() - interval '2 days'),
                (@practiceId, gen_random_uuid(), @endpointId, 'msg_waiting', 'patient.created', '{}', 'pending', now() - interval '40 days');
            """, new { practice.PracticeId, endpointId });

        app.Services.GetRequiredService<IRecurringJobManager>().Trigger("purge-expired");

        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("SELECT count(*) FROM sessions WHERE practice_id = @id", new { id = practice.PracticeId }),
            n => n == sessions - 1, "the long-expired session is gone");
        Assert.Equal(["fresh-key"], await db.QueryAsync<string>("SELECT key FROM idempotency_keys WHERE practice_id = @id", new { id = practice.PracticeId }));
        await Eventually.ValueAsync(() => db.QueryAsync<string>("SELECT message_id FROM webhook_deliveries WHERE endpoint_id = @endpointId ORDER BY 1", new { endpointId }),
            ids => ids.SequenceEqual(["msg_recent", "msg_waiting"]), "only the old settled delivery is gone");
        Assert.NotNull(oldSession.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/auth/me", Ct)).StatusCode); // the live session stays
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_retried_then_parked_as_failed_and_an_operator_requeues_it_from_the_dashboard()
    {
        await using var smtp = FakeSmtp.Start();
        smtp.Refusing = true;
        void Settings(Dictionary<string, string?> s)
        {
            smtp.Configure(s);
            s["Outbox:PollIntervalMs"] = "50";
            s["Jobs:RetryAttempts"] = "2";
            s["Jobs:RetryBaseSeconds"] = "1";
            s["Jobs:SchedulePollingMs"] = "200";
            s["METRICS_TOKEN"] = "jobs-metrics-token-0123456789abcdef0123456789";
        }
        await using var app = await SlicesApp.StartAsync(Settings);
        var booked = await PatientWithEmail.BookAsync(app, Clinic.Slot(10));
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        const string emailJobs = "SELECT id, statename FROM hangfire.job WHERE invocationdata ->> 'Type' LIKE '%AppointmentEmailJob%' AND arguments::text LIKE '%confirmation%'";

        // The first attempt and two retries meet a relay that refuses: the job is parked as failed.
        var failed = await Eventually.ValueAsync(() => db.QueryAsync<(long Id, string State)>(emailJobs), jobs => jobs.Any(j => j.State == "Failed"), "the email job failed");
        var jobId = Assert.Single(failed).Id;
        Assert.Equal(2, await db.QuerySingleAsync<long>("SELECT count(*) FROM hangfire.state WHERE jobid = @jobId AND name = 'Scheduled'", new { jobId }));
        var metrics = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        metrics.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "jobs-metrics-token-0123456789abcdef0123456789");
        var scraped = await (await app.CreateClient().SendAsync(metrics, Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("job=\"AppointmentEmailJob\",outcome=\"failed\"} 1", scraped, StringComparison.Ordinal);
        Assert.Contains("job=\"AppointmentEmailJob\",outcome=\"retried\"} 2", scraped, StringComparison.Ordinal);
        Assert.Contains("slices_jobs_queue_latency_seconds_bucket{otel_scope_name=\"Slices.Jobs\",job=\"AppointmentEmailJob\",le=\"0.005\"}", scraped, StringComparison.Ordinal);
        Assert.Empty(smtp.Delivered);

        // The relay is back; an operator requeues the job from the dashboard (its buttons carry an antiforgery token).
        smtp.Refusing = false;
        await using var withOperator = await app.StartAnotherAsync(s =>
        {
            Settings(s);
            s["Operator:PracticeId"] = booked.Clinic.Practice.PracticeId.ToString();
        });
        var operatorClient = withOperator.AsAdmin(booked.Clinic.Practice);
        var page = await (await operatorClient.GetAsync("/jobs/jobs/failed", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains($"/jobs/jobs/details/{jobId}", page, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
        var forged = await operatorClient.PostAsync("/jobs/jobs/failed/requeue", new FormUrlEncodedContent([new("jobs[]", jobId.ToString(CultureInfo.InvariantCulture))]), Ct);
        var requeue = new HttpRequestMessage(HttpMethod.Post, "/jobs/jobs/failed/requeue") { Content = new FormUrlEncodedContent([new("jobs[]", jobId.ToString(CultureInfo.InvariantCulture))]) };
        requeue.Headers.Add("RequestVerificationToken", token);
        var requeued = await operatorClient.SendAsync(requeue, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.True(requeued.IsSuccessStatusCode, requeued.StatusCode.ToString());
        await Eventually.ValueAsync(() => db.QueryAsync<(long Id, string State)>(emailJobs), jobs => jobs.Single().State == "Succeeded", "the requeued job succeeded");
        Assert.Equal(booked.PatientEmail, Assert.Single(smtp.Delivered).To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task A_free_worker_takes_critical_jobs_first_then_default_then_low()
    {
        await using var api = await SlicesApp.StartAsync(s => s["SLICES_ROLE"] = "api"); // enqueues only
        var jobs = api.Services.GetRequiredService<IBackgroundJobClient>();
        // A job that does nothing: the order is the point, and a real job's run time grows with what other tests left in the database.
        List<string> Enqueue(string queue) => [.. Enumerable.Range(0, 3).Select(_ => jobs.Enqueue(queue, () => IdleJob.Run()))];
        var low = Enqueue(JobQueues.Low);
        var normal = Enqueue(JobQueues.Default);
        var critical = Enqueue(JobQueues.Critical);

        await using var worker = await api.StartAnotherAsync(s => s["Jobs:Workers"] = "1");
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(api.Database));
        var ids = critical.Concat(normal).Concat(low).Select(long.Parse).ToArray();
        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("SELECT count(*) FROM hangfire.job WHERE id = ANY(@ids) AND statename = 'Succeeded'", new { ids }),
            n => n == ids.Length, "every job ran");

        var started = await db.QueryAsync<long>("SELECT jobid FROM hangfire.state WHERE name = 'Processing' AND jobid = ANY(@ids) ORDER BY id", new { ids });
        Assert.Equal(ids, started);
    }

    [Fact]
    public async Task Health_counts_the_jobs_waiting_for_a_worker()
    {
        await using var api = await SlicesApp.StartAsync(s => s["SLICES_ROLE"] = "api"); // no worker here to take them
        var jobs = api.Services.GetRequiredService<IBackgroundJobClient>();
        for (var i = 0; i < 3; i++) jobs.Enqueue<ExpiredDataPurge>(JobQueues.Low, j => j.RunAsync(CancellationToken.None));

        var health = await (await api.CreateClient().GetAsync("/api/health", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3, health.GetProperty("jobs").GetProperty("backlog").GetInt64());
    }

    [Fact]
    public async Task After_a_key_rotation_the_reencryption_job_moves_every_value_to_the_new_key()
    {
        await using var app = await SlicesApp.StartAsync(s => s["SLICES_ROLE"] = "api"); // the worker is the rotated instance
        var practice = await app.SignUpAsync();
        await (await app.AsAdmin(practice).PostAsync("/api/v1/auth/mfa/totp", null, Ct)).JsonAsync(HttpStatusCode.OK); // a TOTP secret under t1
        await using var rotated = await app.StartAnotherAsync(s =>
        {
            s["Crypto:Keys:t2"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            s["Crypto:ActiveKeyId"] = "t2";
        });
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        const string secret = "SELECT totp_secret FROM users WHERE id = @AdminId";
        Assert.StartsWith("v1:t1:", await db.QuerySingleAsync<string>(secret, practice), StringComparison.Ordinal);

        rotated.Services.GetRequiredService<IRecurringJobManager>().Trigger("reencrypt");

        await Eventually.ValueAsync(() => db.QuerySingleAsync<string>(secret, practice), v => v.StartsWith("v1:t2:", StringComparison.Ordinal), "the secret moved to t2");
    }

    [Fact]
    public async Task The_dashboard_is_for_the_operator_practices_admins_only()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var operatorPractice = await app.SignUpAsync("Operator Clinic");
        var other = await app.SignUpAsync("Other Clinic");
        await using var withOperator = await app.StartAnotherAsync(s => s["Operator:PracticeId"] = operatorPractice.PracticeId.ToString());

        var anonymous = await withOperator.CreateClient().GetAsync("/jobs", Ct);
        var otherAdmin = await withOperator.AsAdmin(other).GetAsync("/jobs", Ct);
        var operatorAdmin = await withOperator.AsAdmin(operatorPractice).GetAsync("/jobs", Ct);
        var operatorFailed = await withOperator.AsAdmin(operatorPractice).GetAsync("/jobs/jobs/failed", Ct);

        await anonymous.AssertProblemAsync(401);
        await otherAdmin.AssertProblemAsync(403);
        Assert.Equal(HttpStatusCode.OK, operatorAdmin.StatusCode);
        Assert.Equal("text/html", operatorAdmin.Content.Headers.ContentType?.MediaType);
        var page = await operatorAdmin.Content.ReadAsStringAsync(Ct);
        Assert.Contains("Slices jobs", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Host=", page, StringComparison.OrdinalIgnoreCase); // no connection string on show
        Assert.Equal(HttpStatusCode.OK, operatorFailed.StatusCode);
        Assert.Contains("no-store", operatorAdmin.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", operatorAdmin.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", operatorAdmin.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }
}

/// <summary>A job that does nothing, for tests of how jobs are taken rather than what they do.</summary>
public static class IdleJob
{
    public static void Run()
    {
    }
}
