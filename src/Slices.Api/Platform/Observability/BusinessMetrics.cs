using System.Diagnostics.Metrics;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Counts business events (patient.created, appointment.scheduled, appointment.cancelled, prescription.signed,
/// user.login_failed ...) by type, once their transaction has committed: the event store notes each type in the
/// ambient tenant transaction, and the transaction counts them after COMMIT, so a rolled-back change counts nothing.
/// </summary>
public static class BusinessMetrics
{
    public static readonly Meter Meter = new("Slices.Business");
    private static readonly Counter<long> Events = Meter.CreateCounter<long>("slices.events", description: "Committed business events, by type");
    private static readonly AsyncLocal<List<string>?> Pending = new();

    /// <summary>Starts collecting for the transaction about to run on this async flow.</summary>
    public static void BeginTransaction() => Pending.Value = [];

    public static void Recorded(string type) => Pending.Value?.Add(type);

    public static void Committed()
    {
        foreach (var type in Pending.Value ?? []) Events.Add(1, new KeyValuePair<string, object?>("type", type));
        Pending.Value = null;
    }

    /// <summary>For changes recorded outside a tenant transaction (a failed sign-in before any tenant is known).</summary>
    public static void Count(string type) => Events.Add(1, new KeyValuePair<string, object?>("type", type));
}
