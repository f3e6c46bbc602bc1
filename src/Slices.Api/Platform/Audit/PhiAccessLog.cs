using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;

namespace Slices.Api.Platform.Audit;

/// <summary>
/// Records every read of PHI before it is shown, so a response that showed PHI always has its log row: who (user or
/// API key), which records of which patients, when, from where, and the request id. A read from the database logs in
/// its own statement or transaction; a read served from the cache, through <see cref="AccessLogWriter"/>. One row per
/// read; "who looked at this patient" is an index lookup (see migration 0018 for the row's shape).
/// </summary>
public static class PhiAccessLog
{
    // Logs the (record, patient) pairs of a CTE named "shown", in their order: a read of one patient names them on the
    // log row; a read of several lists them parallel to the records, and files the row under each (migration 0018).
    private const string LogShown = """
        logged AS (
            INSERT INTO phi_access_log (practice_id, actor_type, actor_id, action, resource_type, resource_ids, patient_ids, patient_id, request_id, client_ip)
            SELECT current_tenant(), @logActorType, @logActorId, @logAction, @logResourceType, s.records,
                   CASE WHEN s.one THEN s.patients[1:1] ELSE s.patients END, CASE WHEN s.one THEN s.patients[1] END, @logRequestId, @logClientIp::inet
            FROM (SELECT array_agg(record) AS records, array_agg(patient) AS patients, count(DISTINCT patient) = 1 AS one FROM shown HAVING count(*) > 0) s
            RETURNING practice_id, id, patient_ids, patient_id),
        indexed AS (
            INSERT INTO phi_access_log_patients (practice_id, log_id, patient_ids)
            SELECT practice_id, id, patient_ids FROM logged WHERE patient_id IS NULL)
        """;

    private const string Insert = $"""
        WITH shown AS (SELECT * FROM unnest(@records::uuid[], @patients::uuid[]) AS s(record, patient)),
        {LogShown}
        SELECT count(*) FROM logged
        """;

    /// <summary>
    /// Wraps a SELECT so the same statement also logs what it returns: the first <c>@logShown</c> rows in
    /// <paramref name="order"/> (a page may read one row more than it shows, to know whether another page follows).
    /// Add the log's parameters with <see cref="Parameters"/>. <paramref name="columns"/> are the ones returned (the
    /// SELECT may add some for <paramref name="order"/> alone).
    /// </summary>
    public static string Logged(string select, string recordColumn, string patientColumn, string order, string columns = "*") => $"""
        WITH found AS ({select}),
        shown AS (SELECT {recordColumn} AS record, {patientColumn} AS patient FROM found ORDER BY {order} LIMIT @logShown),
        {LogShown}
        SELECT {columns} FROM found ORDER BY {order}
        """;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), string> LoggedReads = new();

    /// <summary>
    /// One record by id and its access-log row, in one round trip: the read-by-id of every PHI slice. Null when the
    /// practice has no such record (and then nothing is logged).
    /// </summary>
    public static Task<T?> ReadOneAsync<T>(Database.Db db, HttpContext http, Guid practiceId, string read, Guid id, string resourceType, string patientColumn, CancellationToken ct)
    {
        var sql = LoggedReads.GetOrAdd((read, patientColumn), key => Logged(key.Item1, "id", key.Item2, "id"));
        return db.ReadInTenantAsync(practiceId, sql, Parameters(new { id }, http, "read", resourceType, 1), rows => rows.ReadSingleOrDefaultAsync<T?>(), ct);
    }

    /// <summary>
    /// <see cref="ReadOneAsync"/> through the cache; every read is still logged before the record is shown.
    /// </summary>
    public static async Task<(T? Value, CacheOutcome Outcome)> ReadOneCachedAsync<T>(Database.Db db, TwoLevelCache cache, HttpContext http, Guid practiceId,
        string read, Guid id, string resourceType, string patientColumn, Func<T, Guid> patientOf, CancellationToken ct) where T : class
    {
        var (value, outcome) = await CachedAndLoggedAsync(cache, http, CacheArea.Patients, practiceId, $"{resourceType}:{id}", CacheInvalidation.TagsOf(resourceType, id),
            loadCt => ReadOneAsync<T>(db, http, practiceId, read, id, resourceType, patientColumn, loadCt),
            found => LogShownAsync(http, practiceId, "read", resourceType, [(id, patientOf(found))], ct), ct);
        return (value, outcome);
    }

    /// <summary>
    /// A page of PHI read with <see cref="Logged"/> SQL, through the cache; every read still logs the rows it shows. The
    /// key is a digest of the page's parameters, so no PHI (a searched name) is ever part of a Redis key.
    /// </summary>
    public static async Task<(IReadOnlyList<T> Rows, CacheOutcome Outcome)> ReadPageCachedAsync<T>(Database.Db db, TwoLevelCache cache, CacheArea area, HttpContext http,
        Guid practiceId, string loggedSql, DynamicParameters parameters, object page, IReadOnlyList<string> tags, int shown, string resourceType,
        Func<T, (Guid Record, Guid Patient)> recordOf, CancellationToken ct, bool genericPlan = false)
    {
        var key = $"{resourceType}-page:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(loggedSql + "\n" + JsonSerializer.Serialize(page))))}";
        var (rows, outcome) = await CachedAndLoggedAsync(cache, http, area, practiceId, key, tags,
            async loadCt => await db.ReadInTenantAsync(practiceId, loggedSql, parameters, async results => (await results.ReadAsync<T>()).ToList(), loadCt, genericPlan),
            found => LogShownAsync(http, practiceId, "list", resourceType, found.Take(shown).Select(recordOf), ct), ct);
        return (rows ?? [], outcome);
    }

    // The request whose load ran has logged in the load's own statement; any other request (a hit, or one that shared
    // the load) logs what it is shown before it is shown.
    private static async Task<(T? Value, CacheOutcome Outcome)> CachedAndLoggedAsync<T>(TwoLevelCache cache, HttpContext http, CacheArea area, Guid practiceId, string key,
        IReadOnlyList<string> tags, Func<CancellationToken, Task<T?>> readAndLog, Func<T, Task> logShown, CancellationToken ct) where T : class
    {
        var loggedHere = false;
        var (value, outcome) = await cache.GetOrLoadAsync(area, practiceId, key, tags, loadCt =>
        {
            loggedHere = true;
            return readAndLog(loadCt);
        }, ct, http);
        if (value is not null && !loggedHere) await logShown(value);
        return (value, outcome);
    }

    // A read served from the cache logs through the shared writer: its row commits with those of the reads around it.
    // A read cancelled while it waits is not shown; its row may still be written, which errs on the safe side.
    private static Task LogShownAsync(HttpContext http, Guid practiceId, string action, string resourceType, IEnumerable<(Guid Record, Guid Patient)> records, CancellationToken ct)
    {
        (Guid Record, Guid Patient)[] shown = [.. records.Distinct()];
        if (shown.Length == 0) return Task.CompletedTask;
        var actor = Actor.Of(http);
        return http.RequestServices.GetRequiredService<AccessLogWriter>().WriteAsync(new AccessLogEntry(practiceId, actor.Type, actor.ActorId, action, resourceType,
            actor.RequestId, http.Connection.RemoteIpAddress?.ToString(), Array.ConvertAll(shown, r => r.Record), Array.ConvertAll(shown, r => r.Patient))).WaitAsync(ct);
    }

    private static DynamicParameters? LogParameters(HttpContext http, string action, string resourceType, IEnumerable<(Guid Record, Guid Patient)> records)
    {
        var shown = records.Distinct().ToList();
        return shown.Count == 0 ? null : Parameters(new
        {
            records = shown.Select(r => r.Record).ToArray(),
            patients = shown.Select(r => r.Patient).ToArray(),
        }, http, action, resourceType, 0);
    }

    public static DynamicParameters Parameters(object sliceParameters, HttpContext http, string action, string resourceType, int shown)
    {
        var actor = Actor.Of(http);
        var parameters = new DynamicParameters(sliceParameters);
        parameters.Add("logActorType", actor.Type);
        parameters.Add("logActorId", actor.ActorId);
        parameters.Add("logAction", action);
        parameters.Add("logResourceType", resourceType);
        parameters.Add("logRequestId", actor.RequestId);
        parameters.Add("logClientIp", http.Connection.RemoteIpAddress?.ToString());
        parameters.Add("logShown", shown);
        return parameters;
    }

    /// <param name="records">Each record read, with the patient it belongs to (a patient record is its own patient).</param>
    public static Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction tx, HttpContext http, string action, string resourceType,
        IEnumerable<(Guid Record, Guid Patient)> records, CancellationToken ct)
    {
        return LogParameters(http, action, resourceType, records) is { } parameters
            ? c.ExecuteAsync(new CommandDefinition(Insert, parameters, tx, cancellationToken: ct))
            : Task.CompletedTask;
    }
}
