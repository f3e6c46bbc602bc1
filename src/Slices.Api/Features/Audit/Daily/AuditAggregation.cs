using Dapper;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Jobs;

namespace Slices.Api.Features.Audit.Daily;

/// <summary>
/// Hourly: adds each practice's events and PHI reads (a read counts once per patient it showed) appended since the
/// last run to the daily counts, and moves the mark, in one transaction (a run that dies counts nothing twice). Rows
/// younger than Audit:AggregationSettleSeconds (five minutes) wait for the next run, and so does everything after them:
/// a log row's id is taken when its transaction inserts it, so a slightly older id can still be committing when a
/// newer one is visible.
/// </summary>
public sealed class AuditAggregation(Db db, TenantDirectory tenants, AuditOptions options, ILogger<AuditAggregation> logger) : IRecurringJob
{
    public const string Id = "audit-aggregation";
    private const int Batch = 50_000;

    private const string CountSince = """
        WITH mark AS (
            SELECT coalesce(max(events_seq), 0) AS seq, coalesce(max(access_log_id), 0) AS log_id
            FROM (SELECT events_seq, access_log_id FROM audit_aggregation_marks FOR UPDATE) m),
        cutoff AS (SELECT now() - make_interval(secs => @settle) AS at),
        young_event AS (
            SELECT min(seq) AS seq FROM events WHERE seq > (SELECT seq FROM mark) AND occurred_at >= (SELECT at FROM cutoff)),
        ev AS (
            SELECT seq, occurred_at, actor_type, actor_id FROM events
            WHERE seq > (SELECT seq FROM mark) AND seq < coalesce((SELECT seq FROM young_event), 9223372036854775807)
            ORDER BY seq LIMIT @batch),
        young_log AS (
            SELECT min(id) AS id FROM phi_access_log WHERE id > (SELECT log_id FROM mark) AND accessed_at >= (SELECT at FROM cutoff)),
        lg AS (
            SELECT id, accessed_at, actor_type, actor_id, patient_ids FROM phi_access_log
            WHERE id > (SELECT log_id FROM mark) AND id < coalesce((SELECT id FROM young_log), 9223372036854775807)
            ORDER BY id LIMIT @batch),
        counts AS (
            SELECT day, actor_type, actor_id, sum(e) AS events, sum(r) AS phi_reads
            FROM (SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, actor_type, coalesce(actor_id, '00000000-0000-0000-0000-000000000000') AS actor_id, 1 AS e, 0 AS r FROM ev
                  UNION ALL
                  SELECT (accessed_at AT TIME ZONE 'UTC')::date, actor_type, coalesce(actor_id, '00000000-0000-0000-0000-000000000000'), 0,
                         (SELECT count(DISTINCT p) FROM unnest(patient_ids) AS p) FROM lg) x
            GROUP BY day, actor_type, actor_id),
        added AS (
            INSERT INTO audit_daily_counts (practice_id, day, actor_type, actor_id, events, phi_reads)
            SELECT current_tenant(), day, actor_type, actor_id, events, phi_reads FROM counts
            ON CONFLICT (practice_id, day, actor_type, actor_id) DO UPDATE
                SET events = audit_daily_counts.events + EXCLUDED.events, phi_reads = audit_daily_counts.phi_reads + EXCLUDED.phi_reads),
        moved AS (
            INSERT INTO audit_aggregation_marks (practice_id, events_seq, access_log_id, counted_to)
            VALUES (current_tenant(), coalesce((SELECT max(seq) FROM ev), (SELECT seq FROM mark)),
                    coalesce((SELECT max(id) FROM lg), (SELECT log_id FROM mark)), (SELECT at FROM cutoff))
            ON CONFLICT (practice_id) DO UPDATE
                SET events_seq = EXCLUDED.events_seq, access_log_id = EXCLUDED.access_log_id, counted_to = EXCLUDED.counted_to)
        SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM lg) AS reads
        """;

    public async Task RunAsync(CancellationToken ct)
    {
        long events = 0, reads = 0;
        foreach (var practiceId in await tenants.AllAsync(ct))
        {
            (long Events, long Reads) counted;
            do
            {
                counted = await db.InTenantAsync(practiceId, (c, tx) =>
                    c.QuerySingleAsync<(long, long)>(new CommandDefinition(CountSince, new { batch = Batch, settle = (double)options.AggregationSettleSeconds }, tx, cancellationToken: ct)), ct);
                events += counted.Events;
                reads += counted.Reads;
            } while (counted.Events == Batch || counted.Reads == Batch);
        }
        logger.LogInformation("Audit aggregation counted {Events} events and {Reads} PHI reads", events, reads);
    }
}
