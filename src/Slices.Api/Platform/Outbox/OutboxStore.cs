using Dapper;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Outbox;

/// <summary>The outbox table: claim due items without blocking other workers, then settle each one.</summary>
public sealed class OutboxStore(Db db, OutboxOptions options)
{
    private const string Claim = """
        UPDATE outbox SET locked_until = now() + make_interval(secs => @lockSeconds), attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox
                     WHERE consumer = @consumer AND failed_at IS NULL AND due_at <= now() AND (locked_until IS NULL OR locked_until < now())
                     ORDER BY due_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
        RETURNING id, practice_id, seq, stream, type, attempts
        """;

    private const string Done = "DELETE FROM outbox WHERE id = ANY(@ids)";

    private const string Retry = """
        UPDATE outbox SET due_at = now() + make_interval(secs => @delaySeconds), locked_until = NULL, last_error = left(@error, 500),
                          failed_at = CASE WHEN attempts >= @maxAttempts THEN now() END
        WHERE id = @id
        RETURNING failed_at IS NOT NULL
        """;

    private const string Backlog = "SELECT count(*) FROM outbox WHERE consumer = @consumer AND failed_at IS NULL";

    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(string consumer, CancellationToken ct) =>
        [.. await db.UseAsync(connection => connection.QueryAsync<OutboxItem>(new CommandDefinition(Claim,
            new { consumer, limit = options.BatchSize, lockSeconds = (double)options.LockSeconds }, cancellationToken: ct)), ct)];

    public async Task CompleteAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await db.UseAsync(connection => connection.ExecuteAsync(new CommandDefinition(Done, new { ids = ids.ToArray() }, cancellationToken: ct)), ct);
    }

    /// <returns>True when the item has used its last attempt and is now parked as failed.</returns>
    public Task<bool> RetryLaterAsync(long id, TimeSpan delay, string error, CancellationToken ct) =>
        db.UseAsync(connection => connection.ExecuteScalarAsync<bool>(new CommandDefinition(Retry,
            new { id, delaySeconds = delay.TotalSeconds, error, maxAttempts = options.MaxAttempts }, cancellationToken: ct)), ct);

    public Task<long> BacklogAsync(string consumer, CancellationToken ct) =>
        db.UseAsync(connection => connection.ExecuteScalarAsync<long>(new CommandDefinition(Backlog, new { consumer }, cancellationToken: ct)), ct);
}
