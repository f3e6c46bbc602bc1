using System.Diagnostics.Metrics;

namespace Slices.Api.Platform.Caching;

/// <summary>Lookups by area and outcome (the hit rate), invalidations by stream kind, and evictions from memory by reason.</summary>
public static class CacheMetrics
{
    public static readonly Meter Meter = new("Slices.Cache");
    private static readonly Counter<long> Lookups = Meter.CreateCounter<long>("slices.cache.lookups", description: "Cache lookups, by area and outcome (memory, redis, miss, bypass)");
    private static readonly Counter<long> Invalidations = Meter.CreateCounter<long>("slices.cache.invalidations", description: "Tags invalidated after commits, by stream kind");
    private static readonly Counter<long> Evictions = Meter.CreateCounter<long>("slices.cache.evictions", description: "Entries dropped from process memory, by area and reason");

    public static void Looked(CacheArea area, CacheOutcome outcome) =>
        Lookups.Add(1, new KeyValuePair<string, object?>("area", area.Name), new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));

    public static void Invalidated(string kind) => Invalidations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void Evicted(string area, string reason) =>
        Evictions.Add(1, new KeyValuePair<string, object?>("area", area), new KeyValuePair<string, object?>("reason", reason));
}
