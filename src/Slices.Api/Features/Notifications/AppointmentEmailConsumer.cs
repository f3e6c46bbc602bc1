using Dapper;
using Hangfire;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Email;
using Slices.Api.Platform.Jobs;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Notifications;

/// <summary>
/// Turns events into email jobs: for an appointment, the email for the event now, and for a booking or a move more
/// than a day ahead, a reminder 24 hours before; for a webhook endpoint disabled, a note to the practice's admins. Enqueuing twice (a crash before the outbox row is settled) is harmless:
/// the job sends each email once.
/// </summary>
public sealed class AppointmentEmailConsumer(Db db, IBackgroundJobClient jobs, EmailOptions options, TimeProvider clock) : IOutboxConsumer
{
    private static readonly TimeSpan ReminderLead = TimeSpan.FromHours(24);

    public string Name => "notifications";

    public Task<IReadOnlyList<OutboxItem>> WorthHandlingAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct) =>
        Task.FromResult(options.Enabled ? items : []);

    public async Task HandleAsync(OutboxItem item, CancellationToken ct)
    {
        if (item.Type == "webhook.endpoint_disabled" && Guid.TryParse(item.Stream.AsSpan("webhook/".Length), out var endpointId))
        {
            jobs.Enqueue<WebhookDisabledEmailJob>(JobQueues.Default, job => job.SendAsync(item.PracticeId, endpointId, item.Seq, CancellationToken.None));
            return;
        }
        if (AppointmentEmailKinds.For(item.Type) is not { } kind || !Guid.TryParse(item.Stream.AsSpan("appointment/".Length), out var appointmentId)) return;
        jobs.Enqueue<AppointmentEmailJob>(JobQueues.Default, job => job.SendAsync(item.PracticeId, appointmentId, kind, item.Seq, null, CancellationToken.None));
        if (kind == AppointmentEmailKinds.Cancellation) return;

        var startsAt = await db.ReadInTenantAsync(item.PracticeId, AppointmentEmailData.StartOf, new DynamicParameters(new { appointmentId }),
            rows => rows.ReadSingleOrDefaultAsync<DateTimeOffset?>(), ct);
        if (startsAt is { } start && start - ReminderLead > clock.GetUtcNow())
            jobs.Schedule<AppointmentEmailJob>(JobQueues.Default,
                job => job.SendAsync(item.PracticeId, appointmentId, AppointmentEmailKinds.Reminder, item.Seq, start, CancellationToken.None), start - ReminderLead);
    }
}
