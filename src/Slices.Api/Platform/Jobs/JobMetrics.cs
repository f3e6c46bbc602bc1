using System.Diagnostics;
using System.Diagnostics.Metrics;
using Hangfire.Client;
using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// Counts jobs enqueued, succeeded, failed (for good) and retried, and measures queue latency (enqueued to started)
/// and duration, per job type. The enqueue time travels as a job parameter, written with the job or with its move
/// from scheduled to enqueued (delayed jobs and retries).
/// </summary>
public sealed class JobMetrics : JobFilterAttribute, IClientFilter, IServerFilter, IElectStateFilter
{
    public static readonly Meter Meter = new("Slices.Jobs");
    private static readonly Counter<long> Enqueued = Meter.CreateCounter<long>("slices.jobs.enqueued", description: "Jobs created, by job type");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>("slices.jobs.outcomes", description: "Jobs finished, by job type and outcome (succeeded, retried, failed)");
    // Seconds, from a few milliseconds (a free worker) to minutes (a backlog).
    private static readonly InstrumentAdvice<double> Buckets = new() { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900] };
    private static readonly Histogram<double> Latency = Meter.CreateHistogram("slices.jobs.queue_latency", "s", "From enqueued to started, by job type", advice: Buckets);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram("slices.jobs.duration", "s", "How long a job ran, by job type", advice: Buckets);

    private const string EnqueuedAt = "slices.enqueuedAt";
    private const string Started = "slices.started";

    public void OnCreating(CreatingContext context)
    {
        if (context.InitialState is EnqueuedState) context.SetJobParameter(EnqueuedAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    public void OnCreated(CreatedContext context)
    {
        if (context.BackgroundJob is not null) Enqueued.Add(1, Tag(context.Job));
    }

    public void OnPerforming(PerformingContext context)
    {
        context.Items[Started] = Stopwatch.GetTimestamp();
        var enqueuedAt = context.GetJobParameter<long?>(EnqueuedAt, allowStale: true);
        if (enqueuedAt is { } ms)
            Latency.Record(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms) / 1000.0, Tag(context.BackgroundJob.Job));
    }

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(Started, out var started) && started is long timestamp)
            Duration.Record(Stopwatch.GetElapsedTime(timestamp).TotalSeconds, Tag(context.BackgroundJob.Job));
    }

    public void OnStateElection(ElectStateContext context)
    {
        var job = Tag(context.BackgroundJob.Job);
        switch (context.CandidateState)
        {
            case SucceededState:
                Outcomes.Add(1, job, new("outcome", "succeeded"));
                break;
            case FailedState:
                Outcomes.Add(1, job, new("outcome", "failed"));
                break;
            case ScheduledState when context.CurrentState == ProcessingState.StateName:
                Outcomes.Add(1, job, new("outcome", "retried"));
                break;
            case EnqueuedState when context.CurrentState is not null && context.CurrentState != ProcessingState.StateName:
                context.SetJobParameter(EnqueuedAt, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                break;
        }
    }

    private static KeyValuePair<string, object?> Tag(Job? job) => new("job", job?.Type.Name ?? "unknown");
}
