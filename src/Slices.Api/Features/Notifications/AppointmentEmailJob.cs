using Slices.Api.Platform.Database;
using Slices.Api.Platform.Email;

namespace Slices.Api.Features.Notifications;

/// <summary>
/// Sends one appointment email. Idempotent from the patient's side: the email is claimed in sent_emails in the same
/// transaction that hands it to the relay, so a retry, a duplicate job, or a second worker sends nothing more. Only a
/// crash after the relay accepted and before COMMIT can repeat one, and then with the same Message-ID.
/// </summary>
public sealed class AppointmentEmailJob(Db db, EmailSender sender, EmailOptions options, ILogger<AppointmentEmailJob> logger)
{
    /// <param name="seq">The event that asked for the email (confirmations, changes and cancellations are per event).</param>
    /// <param name="startsAt">For a reminder: the start it reminds of. A reminder for a time the appointment no longer has is dropped.</param>
    public async Task SendAsync(Guid practiceId, Guid appointmentId, string kind, long seq, DateTimeOffset? startsAt, CancellationToken ct)
    {
        if (!options.Enabled) return;
        var dedupeKey = kind == AppointmentEmailKinds.Reminder ? $"{kind}:{appointmentId}:{startsAt?.ToUnixTimeSeconds()}" : $"{kind}:{appointmentId}:{seq}";
        var outcome = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var details = await AppointmentEmailData.DetailsAsync(c, tx, appointmentId, $"job:{dedupeKey}", ct);
            if (details?.Email is null) return "no address";
            if (!StillTrue(kind, details, startsAt)) return "no longer true";
            var email = AppointmentEmailTemplates.Render(kind, details, dedupeKey);
            if (!await AppointmentEmailData.ClaimAsync(c, tx, dedupeKey, kind, appointmentId, email.MessageId, ct)) return "sent before";
            await sender.SendAsync(email, ct);
            return "sent";
        }, ct);
        logger.LogInformation("Appointment email {Kind} for {AppointmentId}: {Outcome}", kind, appointmentId, outcome);
    }

    private static bool StillTrue(string kind, AppointmentEmailDetails d, DateTimeOffset? startsAt) => kind switch
    {
        AppointmentEmailKinds.Cancellation => d.Status == "cancelled",
        AppointmentEmailKinds.Reminder => d.Status == "scheduled" && d.StartsAt == startsAt,
        _ => d.Status != "cancelled",
    };
}
