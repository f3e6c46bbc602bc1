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

    private static Guid? IdIn(string stream, string prefix) =>
        stream.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParse(stream.AsSpan(prefix.Length), out var id) ? id : null;
}
