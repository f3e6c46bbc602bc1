using Dapper;
using Npgsql;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Crypto;

public sealed record KeyUsage(string KeyId, bool Configured, bool Active, long Values);

public sealed record ReencryptionResult(long Reencrypted, long Unreadable, long Remaining);

/// <summary>
/// Moves encrypted values to the active key, practice by practice and column by column, in small transactions
/// that lock only the rows they rewrite (rows another request holds are left for the next pass). Safe while the
/// API serves, resumable after any interruption, and a no-op once nothing is left under an old key.
/// </summary>
public sealed class KeyRotation(Db db, TenantDirectory tenants, KeyRing keyRing, CryptoOptions options, ILogger<KeyRotation> logger)
{
    // Table and column names come from EncryptedColumns (code), never from input.
    private static string UsageSql(EncryptedColumn c) =>
        $"SELECT split_part({c.Column}, ':', 2) AS key_id, count(*) AS n FROM {c.Table} WHERE {c.Column} IS NOT NULL GROUP BY 1";

    private static string StaleSql(EncryptedColumn c) =>
        $"SELECT id, {c.Column} AS value FROM {c.Table} WHERE {c.Column} IS NOT NULL AND split_part({c.Column}, ':', 2) <> @active " +
        "AND NOT (id = ANY(@skip)) ORDER BY id LIMIT @batch FOR UPDATE SKIP LOCKED";

    private static string RewriteSql(EncryptedColumn c) => $"UPDATE {c.Table} SET {c.Column} = @value WHERE id = @id";

    /// <summary>How many values each key id protects across every practice: a key with none left can be removed.</summary>
    public async Task<IReadOnlyList<KeyUsage>> UsageAsync(CancellationToken ct)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var practice in await tenants.AllAsync(ct))
        {
            await db.InTenantAsync(practice, async (c, tx) =>
            {
                foreach (var column in EncryptedColumns.All)
                    foreach (var (keyId, n) in await c.QueryAsync<(string, long)>(new CommandDefinition(UsageSql(column), transaction: tx, cancellationToken: ct)))
                        counts[keyId] = counts.GetValueOrDefault(keyId) + n;
                return 0;
            }, ct);
        }
        return [.. options.Keys.Keys.Union(counts.Keys).Order(StringComparer.Ordinal)
            .Select(id => new KeyUsage(id, options.Keys.ContainsKey(id), id == keyRing.ActiveKeyId, counts.GetValueOrDefault(id)))];
    }

    public async Task<ReencryptionResult> ReencryptAsync(int batchSize, CancellationToken ct)
    {
        long moved = 0, unreadable = 0;
        foreach (var practice in await tenants.AllAsync(ct))
            foreach (var column in EncryptedColumns.All)
            {
                var skip = new List<Guid>(); // values no configured key can read: reported, never retried in this run
                while (true)
                {
                    var (rewritten, failed, more) = await BatchAsync(practice, column, batchSize, skip, ct);
                    moved += rewritten;
                    unreadable += failed.Count;
                    skip.AddRange(failed);
                    if (!more) break;
                }
            }
        var remaining = (await UsageAsync(ct)).Where(u => !u.Active).Sum(u => u.Values);
        logger.LogInformation("Re-encryption moved {Moved} values to key {KeyId}; {Unreadable} unreadable, {Remaining} still under older keys", moved, keyRing.ActiveKeyId, unreadable, remaining);
        return new ReencryptionResult(moved, unreadable, remaining);
    }

    private Task<(int Rewritten, List<Guid> Unreadable, bool More)> BatchAsync(Guid practice, EncryptedColumn column, int batchSize, List<Guid> skip, CancellationToken ct) =>
        db.InTenantAsync(practice, async (c, tx) =>
        {
            var rows = (await c.QueryAsync<(Guid Id, string Value)>(new CommandDefinition(StaleSql(column),
                new { active = keyRing.ActiveKeyId, batch = batchSize, skip = skip.ToArray() }, tx, cancellationToken: ct))).ToList();
            var unreadable = new List<Guid>();
            var rewritten = 0;
            foreach (var (id, value) in rows)
            {
                string plaintext;
                try
                {
                    plaintext = keyRing.Decrypt(value, column.Context(id, practice));
                }
                catch (KeyRingException e)
                {
                    logger.LogError("Cannot re-encrypt {Table}.{Column} of row {RowId}: {Reason}", column.Table, column.Column, id, e.Message);
                    unreadable.Add(id);
                    continue;
                }
                await c.ExecuteAsync(new CommandDefinition(RewriteSql(column), new { id, value = keyRing.Encrypt(plaintext, column.Context(id, practice)) }, tx, cancellationToken: ct));
                rewritten++;
            }
            return (rewritten, unreadable, rows.Count == batchSize);
        }, ct);
}
