using Dapper;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// Hourly: deletes what has outlived its use, practice by practice, in batches that lock little at a time.
/// Idempotency keys after their 24 hours; sessions (with their refresh tokens) 30 days after they expired or were
/// revoked; the record of sent emails after a year; settled webhook deliveries (with their attempts) after 30 days.
/// The audit trail (events, access log) is never purged.
/// </summary>
public sealed class ExpiredDataPurge(Db db, TenantDirectory tenants, ILogger<ExpiredDataPurge> logger) : IRecurringJob
{
    public const string Id = "purge-expired";
    private const int Batch = 5000;

    private const string IdempotencyKeys = """
        DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM idempotency_keys WHERE created_at < now() - interval '24 hours' LIMIT @batch))
        """;

    private const string Sessions = """
        WITH old AS (
            SELECT id FROM sessions WHERE coalesce(revoked_at, expires_at) < now() - interval '30 days' LIMIT @batch),
        tokens AS (DELETE FROM refresh_tokens WHERE session_id IN (SELECT id FROM old))
        DELETE FROM sessions WHERE id IN (SELECT id FROM old)
        """;

    private const string WebhookDeliveries = """
        DELETE FROM webhook_deliveries WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - interval '30 days' LIMIT @batch))
        """;

    private const string SentEmails = """
        DELETE FROM sent_emails WHERE ctid = ANY(ARRAY(
            SELECT ctid FROM sent_emails WHERE sent_at < now() - interval '1 year' LIMIT @batch))
        """;

    public async Task RunAsync(CancellationToken ct)
    {
        long keys = 0, sessions = 0, emails = 0, deliveries = 0;
        foreach (var practiceId in await tenants.AllAsync(ct))
        {
            keys += await DrainAsync(practiceId, IdempotencyKeys, ct);
            sessions += await DrainAsync(practiceId, Sessions, ct);
            emails += await DrainAsync(practiceId, SentEmails, ct);
            deliveries += await DrainAsync(practiceId, WebhookDeliveries, ct);
        }
        logger.LogInformation("Purged {Keys} idempotency keys, {Sessions} sessions, {Emails} sent-email records, {Deliveries} settled webhook deliveries",
            keys, sessions, emails, deliveries);
    }

    private async Task<long> DrainAsync(Guid practiceId, string sql, CancellationToken ct)
    {
        long total = 0;
        int deleted;
        do
        {
            deleted = await db.WriteInTenantAsync(practiceId, sql, new DynamicParameters(new { batch = Batch }), ct);
            total += deleted;
        } while (deleted == Batch);
        return total;
    }
}
