namespace Slices.Api.Platform.Jobs;

/// <summary>The queues, in the order a worker takes from them: a free worker always serves critical first, bulk last.</summary>
public static class JobQueues
{
    /// <summary>What a person is waiting for: token refreshes, re-encryption an operator started.</summary>
    public const string Critical = "critical";

    /// <summary>Notifications and the rest.</summary>
    public const string Default = "default";

    /// <summary>Fleet-wide sweeps: calendar reconciles, aggregation, purges.</summary>
    public const string Bulk = "bulk";

    public static readonly string[] InPriorityOrder = [Critical, Default, Bulk];
}
