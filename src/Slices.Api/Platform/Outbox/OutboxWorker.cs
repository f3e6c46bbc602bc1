using System.Diagnostics.Metrics;

namespace Slices.Api.Platform.Outbox;

/// <summary>
/// Hands outbox items to their consumers, a batch at a time, in every worker process. A handled item is deleted;
/// a failed one comes back after an exponential backoff (or the delay the other side asked for), up to the attempt cap.
/// </summary>
public sealed class OutboxWorker(OutboxStore store, IEnumerable<IOutboxConsumer> consumers, OutboxOptions options, ILogger<OutboxWorker> logger) : BackgroundService
{
    public static readonly Meter Meter = new("Slices.Outbox");
    private static readonly Counter<long> Handled = Meter.CreateCounter<long>("slices.outbox.handled", description: "Outbox items handled, by consumer and outcome");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Only a full batch is worth an immediate next claim. A claim costs a scan of the queue, including the rows
            // handled since the last vacuum; claimed as they come, a busy practice's items went one or two a claim.
            var backlog = false;
            foreach (var consumer in consumers)
            {
                try
                {
                    backlog |= await DrainOnceAsync(consumer, stoppingToken) >= options.BatchSize;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Outbox consumer {Consumer} could not claim work: {Error}", consumer.Name, e.GetType().Name);
                }
            }
            if (backlog) continue;
            try
            {
                await Task.Delay(options.PollIntervalMs, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Claims one batch for the consumer and settles every item in it; returns how many it claimed. The handled
    /// items are deleted together, in one statement, at the end of the batch: a crash midway hands them over again
    /// once their lock lapses, which consumers are built to take (they are idempotent).
    /// </summary>
    public async Task<int> DrainOnceAsync(IOutboxConsumer consumer, CancellationToken ct)
    {
        var items = await store.ClaimAsync(consumer.Name, ct);
        if (items.Count == 0) return 0;
        var worth = await consumer.WorthHandlingAsync(items, ct);
        var done = items.Select(i => i.Id).Except(worth.Select(i => i.Id)).ToList();
        Handled.Add(done.Count, new("consumer", consumer.Name), new("outcome", "done"));
        try
        {
            foreach (var item in worth) await HandleAsync(consumer, item, done, ct);
        }
        finally
        {
            await store.CompleteAsync(done, CancellationToken.None);
        }
        return items.Count;
    }

    private async Task HandleAsync(IOutboxConsumer consumer, OutboxItem item, List<long> done, CancellationToken ct)
    {
        try
        {
            await consumer.HandleAsync(item, ct);
            done.Add(item.Id);
            Handled.Add(1, new("consumer", consumer.Name), new("outcome", "done"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var delay = (e as RetryLaterException)?.After ?? Backoff(item.Attempts, options.RetryBaseSeconds);
            var reason = e is RetryLaterException ? e.Message : e.GetType().Name;
            var parked = await store.RetryLaterAsync(item.Id, delay, reason, CancellationToken.None);
            Handled.Add(1, new("consumer", consumer.Name), new("outcome", parked ? "failed" : "retry"));
            if (parked) logger.LogError("Outbox item {ItemId} ({Type}) for {Consumer} failed for good after {Attempts} attempts: {Reason}", item.Id, item.Type, consumer.Name, item.Attempts, reason);
            else logger.LogWarning("Outbox item {ItemId} ({Type}) for {Consumer} will be retried in {DelaySeconds} s: {Reason}", item.Id, item.Type, consumer.Name, (int)delay.TotalSeconds, reason);
        }
    }

    /// <summary>5 s, 10 s, 20 s ... (by default) capped at an hour, with jitter so a provider outage does not end in a stampede.</summary>
    private static TimeSpan Backoff(int attempts, double baseSeconds)
    {
        var seconds = Math.Min(3600, baseSeconds * Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.75 + Random.Shared.NextDouble() * 0.5));
    }
}
