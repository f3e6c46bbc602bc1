using System.Diagnostics.Metrics;
using Slices.Api.Platform.Events;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Counts business events (patient.created, appointment.scheduled, appointment.cancelled, prescription.signed,
/// user.login_failed ...) by type, once their transaction has committed (<see cref="TransactionEvents"/>), so a
/// rolled-back change counts nothing.
/// </summary>
public static class BusinessMetrics
{
    public static readonly Meter Meter = new("Slices.Business");
    private static readonly Counter<long> Counted = Meter.CreateCounter<long>("slices.events", description: "Committed business events, by type");

    public static void Committed(IReadOnlyList<RecordedEvent> events)
    {
        foreach (var recorded in events.Where(e => e.Type is not null)) Counted.Add(1, new KeyValuePair<string, object?>("type", recorded.Type));
    }

    /// <summary>For changes recorded outside a tenant transaction (a failed sign-in before any tenant is known).</summary>
    public static void Count(string type) => Counted.Add(1, new KeyValuePair<string, object?>("type", type));
}
