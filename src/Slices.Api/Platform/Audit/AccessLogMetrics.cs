using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Slices.Api.Platform.Audit;

/// <summary>
/// What the shared access-log writer costs the reads it serves: a read from the cache is shown only once its row has
/// committed, so its wait is part of the read's latency, and a slow write slows every read queued behind it.
/// </summary>
public static class AccessLogMetrics
{
    public static readonly Meter Meter = new("Slices.AccessLog");

    private static readonly InstrumentAdvice<double> Buckets = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    };

    private static readonly Histogram<double> Wait = Meter.CreateHistogram("slices.access_log.wait", "s",
        "From a read queuing its access-log row to that row's commit (or failure)", advice: Buckets);

    private static readonly Histogram<double> Write = Meter.CreateHistogram("slices.access_log.write_duration", "s",
        "One write of queued access-log rows, from taking a connection to the commit", advice: Buckets);

    private static readonly Histogram<int> Rows = Meter.CreateHistogram("slices.access_log.rows_per_write", "{row}",
        "Reads whose rows one write committed together",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500] });

    public static void Written(long startedAt, long endedAt, int rows)
    {
        Write.Record(Stopwatch.GetElapsedTime(startedAt, endedAt).TotalSeconds);
        Rows.Record(rows);
    }

    public static void Waited(long queuedAt, long endedAt) => Wait.Record(Stopwatch.GetElapsedTime(queuedAt, endedAt).TotalSeconds);
}
