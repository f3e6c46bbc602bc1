namespace Slices.Api.Platform.Jobs;

/// <summary>
/// The queues, in the order a free worker takes from them: critical first, low last. The PostgreSQL storage orders
/// waiting jobs by queue name, so the names sort in priority order; a new queue must keep that true.
/// </summary>
public static class JobQueues
{
    /// <summary>What a person is waiting for, or what must happen before a deadline: token refreshes.</summary>
    public const string Critical = "critical";

    /// <summary>Notifications and the rest.</summary>
    public const string Default = "default";

    /// <summary>Fleet-wide sweeps: calendar reconciles, re-encryption, aggregation, purges.</summary>
    public const string Low = "low";

    public static readonly string[] InPriorityOrder = [Critical, Default, Low];
}
