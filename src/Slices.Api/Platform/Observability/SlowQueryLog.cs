using System.Diagnostics;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// Logs every database command slower than Telemetry:SlowQueryMs with the slice that ran it and its statement
/// (parameterised SQL text: placeholders, never values). Listens to Npgsql's own activities.
/// </summary>
public sealed class SlowQueryLog : IHostedService, IDisposable
{
    private readonly ActivityListener _listener;

    public SlowQueryLog(TelemetryOptions options, ILogger<SlowQueryLog> logger)
    {
        var threshold = TimeSpan.FromMilliseconds(options.SlowQueryMs);
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.Duration < threshold) return;
                var statement = Statement(activity.GetTagItem("db.query.text") as string ?? activity.GetTagItem("db.statement") as string ?? activity.DisplayName);
                logger.LogWarning("Slow database command: {ElapsedMs:0} ms in {Slice}: {Statement}", activity.Duration.TotalMilliseconds, SliceOf(activity), statement);
            },
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();

    /// <summary>The slice: the route of the request the command ran in, or the background work's span name.</summary>
    private static string SliceOf(Activity activity)
    {
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
            if (parent.GetTagItem(LoggingExtensions.SliceTag) is string slice) return slice;
        for (var parent = activity.Parent; parent is not null; parent = parent.Parent)
            if (parent.Parent is null) return parent.DisplayName;
        return "(background)";
    }

    // One line, bounded: enough to find the statement in the slice's Data.cs.
    private static string Statement(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length <= 200 ? line : line[..200] + "...";
    }
}
