using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;

namespace Slices.Api.Platform.Database;

/// <summary>
/// Commits a practice's one-statement changes that seal events. A practice's seals queue one behind the other on its
/// chain until each commit has flushed (migration 0022), which held one practice to about a thousand bookings a second
/// on the bench's host. So up to eight changes per practice commit at once, each on its own as before, and the changes
/// that arrive meanwhile wait: the next of those commits to end hands its place to them, and they share one
/// transaction, one seal hold and one flush, each behind a savepoint of its own. A change that fails there (a clash,
/// a refusal by its answer) is rolled back to its savepoint and the others go on; if the server refuses the shared
/// commit, each change runs again on its own. A change's answer is published only after its commit.
/// </summary>
internal sealed class SharedCommits(Db db)
{
    // Per practice and instance; past that, changes wait to share the next commit. At four, practices with a few
    // bookings at once made small shared commits that cost more than they saved (ten practices booked a fifth slower).
    private const int CommitsInFlight = 8;
    private const int MaxChanges = 16; // each is a subtransaction; the server keeps 64 per transaction in shared memory
    private const string Savepoint = "change";
    private const string LockTimeout = "2ms";

    public static readonly Meter Meter = new("Slices.SharedCommits");

    private static readonly Histogram<int> Shared = Meter.CreateHistogram("slices.shared_commit.changes", "{change}",
        "Changes that committed together in one shared commit", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [2, 4, 8, 16] });

    private static readonly Counter<long> Refused = Meter.CreateCounter<long>("slices.shared_commit.refused", "{commit}",
        "Shared commits the server refused (a seal's conflict), whose changes then ran again on their own");

    private readonly ConcurrentDictionary<Guid, Practice> _practices = new();

    public async Task<T> CommitAsync<T>(Guid practiceId, Statement statement, Func<DbDataReader, Task<T>> answer, CancellationToken ct)
    {
        var practice = _practices.GetOrAdd(practiceId, _ => new Practice());
        Change? change = null;
        lock (practice)
        {
            if (practice.InFlight < CommitsInFlight && practice.Waiting.Count == 0) practice.InFlight++;
            else practice.Waiting.Enqueue(change = new Change(statement, async rows => await answer(rows), ct));
        }
        if (change is not null) return (T)(await change.Done.Task)!; // not abandoned on cancellation: a change that commits must reach the listeners
        try
        {
            return await db.ChangeAloneAsync(practiceId, statement, answer, sealing: true, ct);
        }
        finally
        {
            HandOver(practiceId, practice);
        }
    }

    /// <summary>A commit in flight has ended: its place goes to the changes waiting, if any, together.</summary>
    private void HandOver(Guid practiceId, Practice practice)
    {
        lock (practice)
        {
            if (practice.Waiting.Count == 0)
            {
                practice.InFlight--;
                return;
            }
        }
        using (ExecutionContext.SuppressFlow()) // the runner carries no request's state
            _ = Task.Run(() => RunAsync(practiceId, practice), CancellationToken.None);
    }

    private async Task RunAsync(Guid practiceId, Practice practice)
    {
        var batch = new List<Change>();
        lock (practice)
            while (batch.Count < MaxChanges && practice.Waiting.TryDequeue(out var next)) batch.Add(next);
        try
        {
            if (batch.Count == 1) await AloneAsync(practiceId, batch[0]);
            else if (batch.Count > 1) await TogetherAsync(practiceId, batch);
        }
        catch (Exception e)
        {
            foreach (var change in batch) change.Done.TrySetException(e); // no request waits for ever
        }
        finally
        {
            HandOver(practiceId, practice);
        }
    }

    private async Task TogetherAsync(Guid practiceId, List<Change> batch)
    {
        var made = new List<Change>();
        var deferred = new List<Change>();
        var committing = false;
        try
        {
            await using var connection = await db.OpenAsync(CancellationToken.None);
            await using var transaction = await connection.BeginTransactionAsync();
            // A change that would wait for another transaction's lock (a rival booking of the same time, not yet
            // committed) waits on its own after this commit instead: a transaction holding several changes' rows that
            // waited could deadlock with another such transaction.
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT set_config('app.tenant_id', @tenant, true), set_config('lock_timeout', @lockTimeout, true)",
                new { tenant = practiceId.ToString(), lockTimeout = LockTimeout }, transaction));
            foreach (var change in batch)
                switch (await TryMakeAsync(connection, transaction, change))
                {
                    case Outcome.Made: made.Add(change); break;
                    case Outcome.Deferred: deferred.Add(change); break;
                }
            committing = true;
            await db.SealingAsync(practiceId, async () =>
            {
                // The seal queues on the practice's chain lock at the commit: that wait is not to time out.
                await connection.ExecuteAsync(new CommandDefinition("SELECT set_config('lock_timeout', '0', true)", transaction: transaction));
                await transaction.CommitAsync();
                return true;
            }, CancellationToken.None);
        }
        catch (Exception e) when (!committing || e is PostgresException)
        {
            // Nothing committed: the server refused the commit (a seal's conflict), or the work broke before it. Each
            // change not yet answered runs again on its own, so one change's conflict fails that change only.
            if (committing) Refused.Add(1);
            foreach (var change in batch.Where(c => !c.Done.Task.IsCompleted)) await AloneAsync(practiceId, change);
            return;
        }
        catch (Exception e)
        {
            // The connection broke during the commit: whether it committed is unknown, and a rerun could write twice.
            foreach (var change in made) change.Done.TrySetException(e);
            return;
        }
        Shared.Record(made.Count);
        foreach (var change in made) change.Done.TrySetResult(change.Answer);
        foreach (var change in deferred) await AloneAsync(practiceId, change);
    }

    private enum Outcome { Made, Answered, Deferred }

    /// <returns>
    /// Made: its answer waits for the commit. Answered: refused, by the server or by its answer. Deferred: it would
    /// have waited for a lock, and runs on its own after the commit.
    /// </returns>
    private static async Task<Outcome> TryMakeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Change change)
    {
        if (change.Cancellation.IsCancellationRequested)
        {
            change.Done.TrySetCanceled(change.Cancellation);
            return Outcome.Answered;
        }
        var outcome = Outcome.Answered;
        var serverRefused = true;
        try
        {
            // The savepoint travels with the statement, in one round trip. It is not released: the next change's
            // savepoint of the same name nests inside it.
            await using var rows = await connection.ExecuteReaderAsync(new CommandDefinition($"SAVEPOINT {Savepoint};\n{change.Statement.Sql}",
                change.Statement.Parameters, transaction, cancellationToken: change.Cancellation));
            change.Answer = await change.Read(rows);
            while (await rows.NextResultAsync()) { }
            return Outcome.Made;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            outcome = Outcome.Deferred;
        }
        catch (Exception e) when (e is PostgresException or not NpgsqlException) // the server or the answer refused it
        {
            change.Done.TrySetException(e);
            serverRefused = e is not Errors.ApiException; // the Npgsql workaround is for what the server refused
        }
        await transaction.RollbackAsync(Savepoint);
        if (serverRefused) PreparedStatementReset.Unprepare(connection);
        return outcome;
    }

    private async Task AloneAsync(Guid practiceId, Change change)
    {
        try
        {
            change.Done.TrySetResult(await db.ChangeAloneAsync(practiceId, change.Statement, change.Read, sealing: true, change.Cancellation));
        }
        catch (Exception e)
        {
            change.Done.TrySetException(e);
        }
    }

    private sealed class Practice
    {
        public readonly Queue<Change> Waiting = new();
        public int InFlight;
    }

    private sealed class Change(Statement statement, Func<DbDataReader, Task<object?>> read, CancellationToken cancellation)
    {
        public Statement Statement => statement;
        public Func<DbDataReader, Task<object?>> Read => read;
        public CancellationToken Cancellation => cancellation;
        public object? Answer { get; set; }
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
