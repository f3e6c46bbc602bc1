using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
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
        await using var second = await SlicesApp.StartAsync(s =>
        {
            EverySecond(s);
            s["DATABASE_URL"] = first.Settings["DATABASE_URL"];
            s["MIGRATIONS_DATABASE_URL"] = first.Settings["MIGRATIONS_DATABASE_URL"];
        });
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
    public async Task The_purge_deletes_spent_idempotency_keys_and_long_expired_sessions_and_keeps_the_rest()
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

        app.Services.GetRequiredService<IRecurringJobManager>().Trigger("purge-expired");

        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("SELECT count(*) FROM sessions WHERE practice_id = @id", new { id = practice.PracticeId }),
            n => n == sessions - 1, "the long-expired session is gone");
        Assert.Equal(["fresh-key"], await db.QueryAsync<string>("SELECT key FROM idempotency_keys WHERE practice_id = @id", new { id = practice.PracticeId }));
        Assert.NotNull(oldSession.GetProperty("accessToken").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/auth/me", Ct)).StatusCode); // the live session stays
    }

    [Fact]
    public async Task Health_counts_the_jobs_waiting_for_a_worker()
    {
        await using var api = await SlicesApp.StartAsync(s => s["SLICES_ROLE"] = "api"); // no worker here to take them
        var jobs = api.Services.GetRequiredService<IBackgroundJobClient>();
        for (var i = 0; i < 3; i++) jobs.Enqueue<Slices.Api.Platform.Jobs.ExpiredDataPurge>(Slices.Api.Platform.Jobs.JobQueues.Bulk, j => j.RunAsync(CancellationToken.None));

        var health = await (await api.CreateClient().GetAsync("/api/health", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3, health.GetProperty("jobs").GetProperty("backlog").GetInt64());
    }

    [Fact]
    public async Task The_dashboard_is_for_the_operator_practices_admins_only()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var operatorPractice = await app.SignUpAsync("Operator Clinic");
        var other = await app.SignUpAsync("Other Clinic");
        await using var withOperator = await SlicesApp.StartAsync(s =>
        {
            s["DATABASE_URL"] = app.Settings["DATABASE_URL"];
            s["MIGRATIONS_DATABASE_URL"] = app.Settings["MIGRATIONS_DATABASE_URL"];
            s["REDIS_URL"] = app.Settings["REDIS_URL"];
            s["Operator:PracticeId"] = operatorPractice.PracticeId.ToString();
        });

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
