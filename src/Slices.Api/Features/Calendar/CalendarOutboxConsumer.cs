using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Calendar;

/// <summary>
/// Keeps calendars in step after the fact: an appointment change is pushed, a new connection is reconciled. The
/// clinic's own request never waits for the provider; an unavailable provider means "later", with its Retry-After.
/// </summary>
public sealed class CalendarOutboxConsumer(CalendarSync sync) : IOutboxConsumer
{
    public string Name => "calendar";

    public async Task HandleAsync(OutboxItem item, CancellationToken ct)
    {
        try
        {
            if (item.Type == CalendarEvents.Connected && IdIn(item.Stream, "calendar-connection/") is { } connectionId)
                await sync.ReconcileAsync(item.PracticeId, connectionId, ct);
            else if (IdIn(item.Stream, "appointment/") is { } appointmentId)
                await sync.PushAppointmentAsync(item.PracticeId, appointmentId, ct);
        }
        catch (ProviderUnavailableException e)
        {
            throw new RetryLaterException(e.Message, e.RetryAfter);
        }
        catch (ReauthRequiredException)
        {
            // The connection is marked; nothing will sync until the clinician connects again, which reconciles everything.
        }
    }

    /// <summary>Appointment changes matter only where the clinician has a calendar connected: one query per practice in the batch.</summary>
    public async Task<IReadOnlyList<OutboxItem>> WorthHandlingAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct)
    {
        var worth = items.Where(i => IdIn(i.Stream, "appointment/") is null).ToList();
        foreach (var practice in items.Where(i => IdIn(i.Stream, "appointment/") is not null).GroupBy(i => i.PracticeId))
        {
            var synced = await sync.AppointmentsWithCalendarsAsync(practice.Key, [.. practice.Select(i => IdIn(i.Stream, "appointment/")!.Value)], ct);
            worth.AddRange(practice.Where(i => synced.Contains(IdIn(i.Stream, "appointment/")!.Value)));
        }
        return worth;
    }

    private static Guid? IdIn(string stream, string prefix) =>
        stream.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(stream.AsSpan(prefix.Length), out var id) ? id : null;
}
