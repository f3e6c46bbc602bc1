using System.Net;
using System.Net.Http.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;
using Slices.Api.Features.Notifications;
using Slices.Api.Platform.Jobs;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Notifications;

public sealed class AppointmentEmailTests(MailApp app) : IClassFixture<MailApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IReadOnlyList<MimeMessage>> MailToAsync(string address, int count) => Eventually.ValueAsync(
        () => Task.FromResult<IReadOnlyList<MimeMessage>>([.. app.Smtp.Delivered.Where(m => m.To.Mailboxes.Any(b => b.Address == address))]),
        mail => mail.Count >= count, $"{count} email(s) to the patient");

    private static void SaysOnlyWhatTheTemplateAllows(MimeMessage message)
    {
        foreach (var body in new[] { message.TextBody, message.HtmlBody, message.Subject })
        {
            Assert.DoesNotContain("Quintanilla", body, StringComparison.Ordinal);
            Assert.DoesNotContain("1984", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Chest pain", body, StringComparison.Ordinal);
            Assert.DoesNotContain("7700900123", body, StringComparison.Ordinal);
            Assert.DoesNotContain("MRN-55102", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_booking_sends_a_confirmation_that_says_only_what_the_template_allows_and_a_cancellation_sends_another()
    {
        // 10:00 UTC in winter is 10:00 in London; the email shows the clinician's local time and zone.
        var booked = await PatientWithEmail.BookAsync(app, Clinic.Slot(10));

        var confirmation = Assert.Single(await MailToAsync(booked.PatientEmail, 1));
        Assert.Equal($"Your appointment at {booked.PracticeName} is booked", confirmation.Subject);
        Assert.Equal(booked.PracticeName, confirmation.From.Mailboxes.Single().Name);
        Assert.Equal("no-reply@slices.test", confirmation.From.Mailboxes.Single().Address);
        var local = TimeZoneInfo.ConvertTime(booked.StartsAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        var when = $"{local.ToString("dddd d MMMM yyyy 'at' HH:mm", System.Globalization.CultureInfo.InvariantCulture)} (Europe/London)";
        Assert.Contains("Dear Maria,", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Your appointment with Dr Lucas Meyer is booked for {when}.", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Contains("Dr Lucas Meyer", confirmation.HtmlBody, StringComparison.Ordinal);
        Assert.EndsWith("@notifications.slices", confirmation.MessageId, StringComparison.Ordinal);
        SaysOnlyWhatTheTemplateAllows(confirmation);

        Assert.Equal(HttpStatusCode.OK, (await booked.Clinic.Admin.PostAsJsonAsync($"/api/v1/appointments/{booked.AppointmentId}/cancel", new { }, Ct)).StatusCode);
        var mail = await MailToAsync(booked.PatientEmail, 2);
        var cancellation = Assert.Single(mail, m => m.Subject == $"Your appointment at {booked.PracticeName} is cancelled");
        Assert.Contains($"Your appointment with Dr Lucas Meyer on {when} is cancelled.", cancellation.TextBody, StringComparison.Ordinal);
        SaysOnlyWhatTheTemplateAllows(cancellation);

        // The system's reads of the patient's address are in the access log like anyone's.
        var access = await (await booked.Clinic.Admin.GetAsync($"/api/v1/audit/access?patientId={booked.Clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, access.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "notify"));
    }

    [Fact]
    public async Task An_email_goes_out_once_however_often_its_job_runs_and_a_reminder_for_a_time_that_moved_is_dropped()
    {
        var booked = await PatientWithEmail.BookAsync(app, Clinic.Slot(11));
        await MailToAsync(booked.PatientEmail, 1);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var key = await db.QuerySingleAsync<string>("SELECT dedupe_key FROM sent_emails WHERE appointment_id = @id", new { id = booked.AppointmentId });
        var seq = long.Parse(key.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture);
        var practiceId = booked.Clinic.Practice.PracticeId;

        // The confirmation's job again, three times at once (a redelivered outbox item, a second worker), and two reminders:
        // one for the booked time, one for a time the appointment does not have.
        var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        var ids = Enumerable.Range(0, 3)
            .Select(_ => jobs.Enqueue<AppointmentEmailJob>(JobQueues.Default, j => j.SendAsync(practiceId, booked.AppointmentId, AppointmentEmailKinds.Confirmation, seq, null, CancellationToken.None)))
            .Append(jobs.Enqueue<AppointmentEmailJob>(j => j.SendAsync(practiceId, booked.AppointmentId, AppointmentEmailKinds.Reminder, seq, booked.StartsAt, CancellationToken.None)))
            .Append(jobs.Enqueue<AppointmentEmailJob>(j => j.SendAsync(practiceId, booked.AppointmentId, AppointmentEmailKinds.Reminder, seq, booked.StartsAt.AddHours(1), CancellationToken.None)))
            .Select(long.Parse).ToArray();
        await Eventually.ValueAsync(() => db.QuerySingleAsync<long>("SELECT count(*) FROM hangfire.job WHERE id = ANY(@ids) AND statename = 'Succeeded'", new { ids }),
            done => done == ids.Length, "every job succeeded");

        var mail = await MailToAsync(booked.PatientEmail, 2);
        Assert.Equal(2, mail.Count);
        Assert.Single(mail, m => m.Subject?.StartsWith("Your appointment at", StringComparison.Ordinal) == true);
        var reminder = Assert.Single(mail, m => m.Subject == $"Reminder: your appointment at {booked.PracticeName} tomorrow");
        SaysOnlyWhatTheTemplateAllows(reminder);
    }

    [Fact]
    public async Task A_booking_more_than_a_day_ahead_schedules_its_reminder_for_24_hours_before()
    {
        var booked = await PatientWithEmail.BookAsync(app, Clinic.Slot(12));
        await MailToAsync(booked.PatientEmail, 1);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var scheduled = await Eventually.ValueAsync(() => db.QueryAsync<string>("""
            SELECT s.data ->> 'EnqueueAt' FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid
            WHERE j.statename = 'Scheduled' AND j.arguments::text LIKE '%' || @id || '%'
            """, new { id = booked.AppointmentId.ToString() }), rows => rows.Any(), "a scheduled reminder");
        var enqueueAt = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Assert.Single(scheduled), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(booked.StartsAt.AddHours(-24), enqueueAt);
    }
}
