using Dapper;
using Npgsql;

namespace Slices.Api.Features.Audit.Verify;

public static class Data
{
    // Recomputes every hash from the stored content and checks each event points at its predecessor's hash,
    // and that the chain head matches the last event (so a deleted tail shows too).
    private const string Check = """
        WITH chain AS (
            SELECT seq, id, prev_hash, hash,
                   lag(hash) OVER (ORDER BY seq) AS previous,
                   lag(seq) OVER (ORDER BY seq) AS previous_seq,
                   event_digest(prev_hash, id, practice_id, seq, stream, version, type, data, actor_type, actor_id, request_id, occurred_at) AS recomputed
            FROM events
        )
        SELECT seq, id,
               prev_hash = coalesce(previous, decode(repeat('00', 32), 'hex')) AND seq = coalesce(previous_seq, 0) + 1 AS link_holds,
               hash = recomputed AS hash_holds
        FROM chain
        WHERE NOT (prev_hash = coalesce(previous, decode(repeat('00', 32), 'hex')) AND seq = coalesce(previous_seq, 0) + 1) OR hash <> recomputed
        ORDER BY seq
        LIMIT 1
        """;

    private const string Count = """
        SELECT (SELECT count(*) FROM events) AS events,
               coalesce((SELECT seq = (SELECT max(seq) FROM events) AND hash = (SELECT hash FROM events ORDER BY seq DESC LIMIT 1)
                         FROM event_chain_heads), true) AS head_holds
        """;

    public static Task<Row?> FirstBrokenAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Check, transaction: tx, cancellationToken: ct));

    public static Task<(long Events, bool HeadHolds)> CountAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct) =>
        c.QuerySingleAsync<(long, bool)>(new CommandDefinition(Count, transaction: tx, cancellationToken: ct));
}
