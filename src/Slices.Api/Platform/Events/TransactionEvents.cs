namespace Slices.Api.Platform.Events;

/// <summary>
/// An event as the code that reacts to commits sees it: its type and its stream (such as patient/{id}). A null type is
/// a touch: a change to the stream's state that is no business event (a sync's timestamp), which caches must still see.
/// </summary>
public sealed record RecordedEvent(string? Type, string Stream);

/// <summary>Told, after a tenant transaction commits, which events it recorded (never for one that rolled back).</summary>
public interface ICommitListener
{
    /// <summary>Runs after the commit, before the request answers; it must not throw, as the change has happened.</summary>
    Task AfterCommitAsync(Guid practiceId, IReadOnlyList<RecordedEvent> events);
}

/// <summary>
/// The events appended by the tenant transaction running on this async flow: the event store notes each one, and the
/// transaction hands them over after COMMIT.
/// </summary>
public static class TransactionEvents
{
    private static readonly AsyncLocal<List<RecordedEvent>?> Pending = new();

    /// <summary>Starts collecting for the transaction about to run on this async flow.</summary>
    public static void Begin() => Pending.Value = [];

    public static void Record(NewEvent change) => Pending.Value?.Add(new RecordedEvent(change.Type, change.Stream));

    public static void Touch(string stream) => Pending.Value?.Add(new RecordedEvent(null, stream));

    /// <summary>Whether the transaction has events to seal at commit (touches have none).</summary>
    public static bool Sealing => Pending.Value?.Exists(e => e.Type is not null) == true;

    /// <summary>What the transaction recorded; collecting stops.</summary>
    public static IReadOnlyList<RecordedEvent> Take()
    {
        var recorded = Pending.Value ?? [];
        Pending.Value = null;
        return recorded;
    }
}
