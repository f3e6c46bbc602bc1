using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Slices.Api.Platform.Redis;

/// <summary>How long Redis takes to answer the API, by operation: the latency every rate-limited request and session check pays.</summary>
public static class RedisMetrics
{
    public static readonly Meter Meter = new("Slices.Redis");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("slices.redis.duration", "s", "Redis round trips made by the API, by operation");

    public static Task<T> TimeAsync<T>(string operation, Task<T> call) => TimeAsync(operation, call, Stopwatch.GetTimestamp());

    /// <summary>For a call sent at <paramref name="startedAt"/> and read only now: the time until its answer was read.</summary>
    public static async Task<T> TimeAsync<T>(string operation, Task<T> call, long startedAt)
    {
        try
        {
            return await call;
        }
        finally
        {
            Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));
        }
    }
}
