using Dapper;
using Npgsql;

namespace Slices.Api.Platform.Database;

/// <summary>One statement's SQL and its parameters.</summary>
public sealed record Statement(string Sql, DynamicParameters Parameters);

/// <summary>The process's one pooled data source, with retries on transient failures where a retry is safe.</summary>
public sealed class Db(NpgsqlDataSource dataSource, DatabaseOptions options, IEnumerable<Events.ICommitListener> commitListeners, ILogger<Db> logger)
{
    private const int SealersPerPractice = 4;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, SemaphoreSlim> _sealing = new();
    private SharedCommits? _sharedCommits;

    // Made on first use (it needs this instance, which a field initializer cannot name), without a delegate per call.
    private SharedCommits SharedCommits =>
        _sharedCommits ?? Interlocked.CompareExchange(ref _sharedCommits, new SharedCommits(this), null) ?? _sharedCommits!;

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Opens a pooled connection, retrying while the server is briefly unreachable or refusing connections.</summary>
    public Task<NpgsqlConnection> OpenAsync(CancellationToken ct) =>
        WithRetry(async () => await dataSource.OpenConnectionAsync(ct), ct);

    /// <summary>Runs an idempotent read on its own connection; a transient failure reruns the whole read.</summary>
    public Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct) =>
        WithRetry(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await PreparedStatementReset.AfterErrorAsync(connection, () => read(connection));
        }, ct);

    /// <summary>Runs <paramref name="work"/> once on its own connection: for work that writes, which a retry could repeat.</summary>
    public async Task<T> UseAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await PreparedStatementReset.AfterErrorAsync(connection, () => work(connection));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction scoped to a practice: row-level security shows and accepts
    /// only that practice's rows. The setting is transaction-local, so a pooled connection never carries it on.
    /// Commits when <paramref name="work"/> returns; an exception rolls everything back. After the commit, the
    /// events the transaction recorded go to the commit listeners (metrics, cache invalidation).
    /// </summary>
    public async Task<T> InTenantAsync<T>(Guid practiceId, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await PreparedStatementReset.AfterErrorAsync(connection, async () =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT set_config('app.tenant_id', @tenant, true)", new { tenant = practiceId.ToString() }, transaction, cancellationToken: ct));
            Events.TransactionEvents.Begin();
            var result = await work(connection, transaction);
            if (Events.TransactionEvents.Sealing) await SealingAsync(practiceId, () => transaction.CommitAsync(ct), ct);
            else await transaction.CommitAsync(ct);
            await AfterCommitAsync(practiceId); // here: the transaction's events are in this flow's async-local state
            return result;
        });
    }

    /// <summary>
    /// A change made by one statement, in one round trip: the tenant setting and the statement in one batch, its own
    /// implicit transaction, which commits whatever <paramref name="answer"/> makes of the rows. The statement must
    /// therefore change nothing that the answer may still reject: it checks in SQL what the answer checks. Events it
    /// stages are sealed at that commit and reach the commit listeners only once the answer has accepted them. A change
    /// that stages events may share its commit with the practice's other such changes running at the same moment
    /// (<see cref="SharedCommits"/>). Not retried: a failure after the commit would write twice.
    /// </summary>
    public async Task<T> ChangeInTenantAsync<T>(Guid practiceId, Func<Statement> statement, Func<System.Data.Common.DbDataReader, Task<T>> answer, CancellationToken ct)
    {
        Events.TransactionEvents.Begin();
        try
        {
            var change = statement();
            var result = Events.TransactionEvents.Sealing
                ? await SharedCommits.CommitAsync(practiceId, change, answer, ct)
                : await ChangeAloneAsync(practiceId, change, answer, sealing: false, ct);
            await AfterCommitAsync(practiceId);
            return result;
        }
        finally
        {
            Events.TransactionEvents.Take(); // a rejected or failed change reports nothing
        }
    }

    /// <summary>One change in its own implicit transaction (see <see cref="ChangeInTenantAsync{T}"/>).</summary>
    internal async Task<T> ChangeAloneAsync<T>(Guid practiceId, Statement change, Func<System.Data.Common.DbDataReader, Task<T>> answer, bool sealing, CancellationToken ct)
    {
        change.Parameters.Add("slicesTenant", practiceId.ToString());
        await using var connection = await OpenAsync(ct);
        async Task<T> RunAsync()
        {
            await using var rows = await connection.ExecuteReaderAsync(new CommandDefinition(
                "SELECT set_config('app.tenant_id', @slicesTenant, true);\n" + change.Sql, change.Parameters, cancellationToken: ct));
            await rows.NextResultAsync(ct); // past the setting's own row
            var answered = await answer(rows);
            while (await rows.NextResultAsync(CancellationToken.None)) { } // to the end of the batch: a failed commit (a sealing conflict) throws here
            return answered;
        }
        return await PreparedStatementReset.AfterErrorAsync(connection, () => sealing ? SealingAsync(practiceId, RunAsync, ct) : RunAsync());
    }

    // A commit that seals events queues on the practice's chain lock in PostgreSQL (migration 0022). Past a few at once
    // they would only wait there, each holding a backend; on the chain head's row lock before 0022 they also woke at
    // every hand-over, a convoy that burned the database's CPU. They wait here instead.
    internal async Task<T> SealingAsync<T>(Guid practiceId, Func<Task<T>> commit, CancellationToken ct)
    {
        var gate = _sealing.GetOrAdd(practiceId, _ => new SemaphoreSlim(SealersPerPractice));
        await gate.WaitAsync(ct);
        try
        {
            return await commit();
        }
        finally
        {
            gate.Release();
        }
    }

    private Task SealingAsync(Guid practiceId, Func<Task> commit, CancellationToken ct) =>
        SealingAsync(practiceId, async () => { await commit(); return true; }, ct);

    private async Task AfterCommitAsync(Guid practiceId)
    {
        var committed = Events.TransactionEvents.Take();
        Observability.BusinessMetrics.Committed(committed);
        if (committed.Count > 0)
            foreach (var listener in commitListeners) await listener.AfterCommitAsync(practiceId, committed);
    }

    /// <summary>
    /// A read in one round trip: the tenant setting travels with the slice's statement, and both run in the one
    /// implicit transaction of the batch (the setting is transaction-local, so it ends with the batch and a pooled
    /// connection never carries it on). A read that writes its access-log rows in a data-modifying CTE commits the
    /// rows it showed and their log together. Transient failures rerun the whole read.
    /// </summary>
    /// <param name="genericPlan">
    /// For a statement whose generic plan is as good as any custom one, but whose planner keeps choosing custom plans
    /// (and so plans it again on every call): its transaction uses the prepared statement's generic plan.
    /// </param>
    public Task<T> ReadInTenantAsync<T>(Guid practiceId, string sql, DynamicParameters parameters, Func<SqlMapper.GridReader, Task<T>> read, CancellationToken ct,
        bool genericPlan = false)
    {
        parameters.Add("slicesTenant", practiceId.ToString());
        var settings = genericPlan ? "SELECT set_config('app.tenant_id', @slicesTenant, true), set_config('plan_cache_mode', 'force_generic_plan', true)"
            : "SELECT set_config('app.tenant_id', @slicesTenant, true)";
        return WithRetry(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            try // not through PreparedStatementReset.AfterErrorAsync: this is the hot path, and a lambda more costs an allocation
            {
                await using var results = await connection.QueryMultipleAsync(new CommandDefinition(settings + ";\n" + sql, parameters, cancellationToken: ct));
                await results.ReadAsync(); // the settings' own row
                return await read(results);
            }
            catch (PostgresException)
            {
                PreparedStatementReset.Unprepare(connection);
                throw;
            }
        }, ct);
    }

    /// <summary>
    /// A self-contained write in one round trip: the tenant setting and the statement in one batch, which is its own
    /// implicit transaction. Not retried: a failure after the commit would write twice.
    /// </summary>
    public async Task<int> WriteInTenantAsync(Guid practiceId, string sql, DynamicParameters parameters, CancellationToken ct)
    {
        parameters.Add("slicesTenant", practiceId.ToString());
        return await UseAsync(connection =>
            connection.ExecuteAsync(new CommandDefinition("SELECT set_config('app.tenant_id', @slicesTenant, true);\n" + sql, parameters, cancellationToken: ct)), ct);
    }

    private async Task<T> WithRetry<T>(Func<Task<T>> action, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (NpgsqlException e) when (attempt <= options.MaxRetries && IsWorthRetrying(e) && !ct.IsCancellationRequested)
            {
                var delay = Backoff(attempt);
                logger.LogWarning("Transient database failure ({SqlState}), attempt {Attempt} of {Attempts}; retrying in {DelayMs} ms",
                    (e as PostgresException)?.SqlState ?? e.InnerException?.GetType().Name, attempt, options.MaxRetries + 1, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, ct);
            }
        }
    }

    // A timeout has already waited the full connection timeout (or the pool is exhausted): retrying would only multiply the wait.
    private static bool IsWorthRetrying(NpgsqlException e) => e.IsTransient && e.InnerException is not TimeoutException;

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.RetryBaseDelayMs * Math.Pow(2, attempt - 1);
        return TimeSpan.FromMilliseconds(exponential / 2 + Random.Shared.NextDouble() * exponential / 2);
    }
}
