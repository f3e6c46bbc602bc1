namespace Slices.Api.Platform.Outbox;

/// <summary>One event for one consumer: which practice, which event (seq), its stream and type, and how often it was tried.</summary>
public sealed record OutboxItem(long Id, Guid PracticeId, long Seq, string Stream, string Type, int Attempts);

/// <summary>Code that reacts to events after they commit. It must be idempotent: an item can be handed over more than once.</summary>
public interface IOutboxConsumer
{
    /// <summary>The name registered in event_consumers (by a migration) with the event types it receives.</summary>
    string Name { get; }

    Task HandleAsync(OutboxItem item, CancellationToken ct);

    /// <summary>
    /// Of a claimed batch, the items worth handing to <see cref="HandleAsync"/>; the rest are settled as done. A
    /// consumer that can tell in bulk which items would be no-ops saves a round trip per item. By default, all.
    /// </summary>
    Task<IReadOnlyList<OutboxItem>> WorthHandlingAsync(IReadOnlyList<OutboxItem> items, CancellationToken ct) => Task.FromResult(items);
}

/// <summary>Thrown by a consumer to try the item again later: after <paramref name="after"/> when the other side said so.</summary>
public sealed class RetryLaterException(string reason, TimeSpan? after = null) : Exception(reason)
{
    public TimeSpan? After { get; } = after;
}
