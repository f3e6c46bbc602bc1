using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Slices.Api.Platform.Audit;

/// <summary>One read's access-log row: who, what, and each record shown with its patient (parallel arrays).</summary>
public sealed record AccessLogEntry(Guid PracticeId, string ActorType, Guid? ActorId, string Action, string ResourceType, string? RequestId,
    string? ClientIp, Guid[] Records, Guid[] Patients);

/// <summary>
/// Writes the access-log rows of reads served from the cache, many reads to a transaction. A read queues its row and
/// waits for the commit that holds it, so it is still shown only once its log row is durable. While one write is in
/// flight, the rows of the reads arriving meanwhile gather for the next: under load one round trip and one WAL flush
/// serve many reads instead of one each, and a lone read is written at once. A failed write fails every read it held.
/// </summary>
public sealed class AccessLogWriter(Database.Db db)
{
    private const int MaxRows = 500;

    // One practice's rows: each read's records are the slice of the flat arrays that its count ends (migration 0018's
    // shape: one patient named on the row, or several listed parallel to the records and filed under each).
    private const string Insert = """
        WITH reads AS (
            SELECT r.*, sum(r.n) OVER (ORDER BY r.ord) AS last
            FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]::inet[], $7::uuid[], $8::int[])
                 WITH ORDINALITY AS r(actor_type, actor_id, action, resource_type, request_id, client_ip, patient_id, n, ord)),
        logged AS (
            INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, patient_id, request_id, client_ip)
            SELECT current_tenant(), actor_type, actor_id, action, resource_type, ($9::uuid[])[last - n + 1 : last],
                   CASE WHEN patient_id IS NULL THEN ($10::uuid[])[last - n + 1 : last] ELSE ARRAY[patient_id] END, patient_id, request_id, client_ip
            FROM reads ORDER BY ord
            RETURNING practice_id, id, patient_ids, patient_id)
        INSERT INTO phi_access_log_patients (practice_id, log_id, patient_ids)
        SELECT practice_id, id, patient_ids FROM logged WHERE patient_id IS NULL
        """;

    // The common case, reads of one record each (a cached patient, note or prescription), without the slicing above:
    // starting up the general statement's window, CTEs and second insert was 8 % of PostgreSQL's CPU under cached
    // patient reads (perf).
    private const string InsertOneRecordEach = """
        INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, patient_id, request_id, client_ip)
        SELECT current_tenant(), actor_type, actor_id, action, resource_type, ARRAY[record], ARRAY[patient], patient, request_id, client_ip
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]::inet[], $7::uuid[], $8::uuid[])
             AS r(actor_type, actor_id, action, resource_type, request_id, client_ip, record, patient)
        """;

    private readonly ConcurrentQueue<(AccessLogEntry Entry, TaskCompletionSource Written, long QueuedAt)> _queue = new();
    private int _writing;

    /// <summary>Completes once the entry's row has committed.</summary>
    public Task WriteAsync(AccessLogEntry entry)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((entry, written, Stopwatch.GetTimestamp()));
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            using (ExecutionContext.SuppressFlow()) _ = Task.Run(WriteQueuedAsync); // not on the first reader's trace or log scope
        return written.Task;
    }

    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            var rows = new List<(AccessLogEntry Entry, TaskCompletionSource Written, long QueuedAt)>();
            while (rows.Count < MaxRows && _queue.TryDequeue(out var row)) rows.Add(row);
            if (rows.Count == 0)
            {
                Volatile.Write(ref _writing, 0);
                // A read that queued after the last look and found a write still running left its row to this loop.
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0) return;
                continue;
            }
            var started = Stopwatch.GetTimestamp();
            Exception? failed = null;
            try
            {
                await WriteAsync(rows.Select(r => r.Entry));
            }
            catch (Exception e)
            {
                failed = e;
            }
            var ended = Stopwatch.GetTimestamp();
            AccessLogMetrics.Written(started, ended, rows.Count);
            foreach (var (_, written, queuedAt) in rows)
            {
                AccessLogMetrics.Waited(queuedAt, ended);
                if (failed is null) written.SetResult();
                else written.SetException(failed);
            }
        }
    }

    private Task WriteAsync(IEnumerable<AccessLogEntry> entries) => db.UseAsync(async connection =>
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var practice in entries.GroupBy(e => e.PracticeId))
        {
            var tenant = new NpgsqlBatchCommand("SELECT set_config('app.tenant_id', $1, true)");
            tenant.Parameters.Add(new NpgsqlParameter { Value = practice.Key.ToString() });
            batch.BatchCommands.Add(tenant);
            List<AccessLogEntry> single = [], several = [];
            foreach (var entry in practice) (entry.Records.Length == 1 ? single : several).Add(entry);
            if (single.Count > 0) batch.BatchCommands.Add(InsertOneRecordEachOf(single));
            if (several.Count > 0) batch.BatchCommands.Add(InsertOf(several));
        }
        return await batch.ExecuteNonQueryAsync(); // one implicit transaction: every practice's rows commit together
    }, CancellationToken.None);

    private static NpgsqlBatchCommand InsertOf(IReadOnlyList<AccessLogEntry> reads)
    {
        var insert = WhoAndWhence(Insert, reads);
        Add(insert, reads.Select(r => r.Patients.Distinct().Count() == 1 ? r.Patients[0] : (Guid?)null).ToArray(), NpgsqlDbType.Uuid);
        Add(insert, reads.Select(r => r.Records.Length).ToArray(), NpgsqlDbType.Integer);
        Add(insert, reads.SelectMany(r => r.Records).ToArray(), NpgsqlDbType.Uuid);
        Add(insert, reads.SelectMany(r => r.Patients).ToArray(), NpgsqlDbType.Uuid);
        return insert;
    }

    private static NpgsqlBatchCommand InsertOneRecordEachOf(IReadOnlyList<AccessLogEntry> reads)
    {
        var insert = WhoAndWhence(InsertOneRecordEach, reads);
        Add(insert, reads.Select(r => r.Records[0]).ToArray(), NpgsqlDbType.Uuid);
        Add(insert, reads.Select(r => r.Patients[0]).ToArray(), NpgsqlDbType.Uuid);
        return insert;
    }

    // The first six parameters of both statements: who read, what kind of read, and the request it came in.
    private static NpgsqlBatchCommand WhoAndWhence(string sql, IReadOnlyList<AccessLogEntry> reads)
    {
        var insert = new NpgsqlBatchCommand(sql);
        Add(insert, reads.Select(r => r.ActorType).ToArray(), NpgsqlDbType.Text);
        Add(insert, reads.Select(r => r.ActorId).ToArray(), NpgsqlDbType.Uuid);
        Add(insert, reads.Select(r => r.Action).ToArray(), NpgsqlDbType.Text);
        Add(insert, reads.Select(r => r.ResourceType).ToArray(), NpgsqlDbType.Text);
        Add(insert, reads.Select(r => r.RequestId).ToArray(), NpgsqlDbType.Text);
        Add(insert, reads.Select(r => r.ClientIp).ToArray(), NpgsqlDbType.Text);
        return insert;
    }

    private static void Add(NpgsqlBatchCommand command, object values, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter { Value = values, NpgsqlDbType = NpgsqlDbType.Array | type });
}
