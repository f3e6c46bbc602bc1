using System.Globalization;
using Dapper;
using Npgsql;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Caching;

namespace Slices.Api.Features.Patients.Search;

public static class Data
{
    private const string Select = $"SELECT {Patient.Columns} FROM patients WHERE id > @after AND (@includeArchived OR archived_at IS NULL)";
    private const string Order = "ORDER BY id LIMIT @limit";

    // One statement per kind of q, so each can use its own index: the shape of q says which kind it is. Every
    // condition is a plain equality or range, which row-level security lets PostgreSQL answer from an index.
    internal const string All = $"{Select} {Order}";
    // A name search answers in name order: by the name that matched (the family name when both do), then id. So each
    // name's branch reads its page straight from its index, which also holds id and archived_at (0016), however many
    // share a common surname; only the rows shown are read from the table. An MRN match takes its family name's place.
    // The cursor is still the last patient's id: its key is read back from that row. Each name branch starts at one
    // (key, id) bound, the later of the prefix and the cursor: given both, the index would start from the cursor's.
    // Its generic plan is the same; in a large practice the planner would otherwise plan it anew on every call (0.5 ms).
    private const string InPrefix = "{0} >= @prefix AND {0} < @prefixEnd";
    private static readonly string MatchKey = $"""
        CASE WHEN {string.Format(InPrefix, "family_key")} THEN family_key WHEN {string.Format(InPrefix, "given_key")} THEN given_key ELSE family_key END
        """;
    private const string Live = "(@includeArchived OR archived_at IS NULL)";
    internal static readonly string ByName = $"""
        WITH last AS (SELECT coalesce((SELECT {MatchKey} FROM patients WHERE id = @after), '') AS key),
        start AS (SELECT CASE WHEN key >= @prefix THEN key ELSE @prefix END AS key,
                         CASE WHEN key >= @prefix THEN @after ELSE '00000000-0000-0000-0000-000000000000'::uuid END AS id FROM last),
        matched AS (
            (SELECT id, family_key AS key FROM patients
             WHERE (family_key, id) > ((SELECT key FROM start), (SELECT id FROM start)) AND family_key < @prefixEnd AND {Live}
             ORDER BY family_key, id LIMIT @limit)
            UNION ALL
            (SELECT id, given_key FROM patients
             WHERE (given_key, id) > ((SELECT key FROM start), (SELECT id FROM start)) AND given_key < @prefixEnd AND {Live}
               AND NOT ({string.Format(InPrefix, "family_key")})
             ORDER BY given_key, id LIMIT @limit)
            UNION ALL
            (SELECT id, family_key FROM patients
             WHERE mrn = @q AND (family_key, id) > ((SELECT key FROM last), @after) AND {Live}
               AND NOT ({string.Format(InPrefix, "family_key")}) AND NOT ({string.Format(InPrefix, "given_key")})))
        SELECT {Patient.Columns}, page.key AS match_key
        FROM patients JOIN (SELECT id, key FROM matched ORDER BY key, id LIMIT @limit) page USING (id)
        """;
    internal const string ByDateOfBirth = $"{Select} AND date_of_birth = @dateOfBirth {Order}";
    internal const string ByPhone = $"{Select} AND phone = @q {Order}";
    internal const string ByEmail = $"{Select} AND email_key = @emailKey {Order}";

    // Above every character: [prefix, prefix + this) holds exactly the strings that start with prefix, in byte order.
    private static readonly string Highest = char.ConvertFromUtf32(0x10FFFF);

    private static readonly Dictionary<string, string> Logged = new[] { All, ByDateOfBirth, ByPhone, ByEmail }
        .ToDictionary(sql => sql, sql => PhiAccessLog.Logged(sql, "id", "id", "id"))
        .Append(new(ByName, PhiAccessLog.Logged(ByName, "id", "id", "match_key, id", OutputNames(Patient.Columns)))).ToDictionary();

    // The names a column list gives its output: "archived_at IS NOT NULL AS archived" gives archived.
    private static string OutputNames(string columns) => string.Join(", ", columns.Split(", ").Select(c => c.Split(' ')[^1]));

    /// <summary>A page (one row more than shown, to know whether another follows) and the access log of the rows shown, in one round trip.</summary>
    public static async Task<(IReadOnlyList<Patient> Rows, CacheOutcome Outcome)> PageAsync(Platform.Database.Db db, TwoLevelCache cache, HttpContext http, Guid practiceId, Request r, Guid after, CancellationToken ct)
    {
        var q = string.IsNullOrWhiteSpace(r.Q) ? null : r.Q.Trim();
        DateOnly? dateOfBirth = DateOnly.TryParseExact(q, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
        var sql = q switch
        {
            null => All,
            _ when dateOfBirth is not null => ByDateOfBirth,
            ['+', ..] => ByPhone,
            _ when q.Contains('@', StringComparison.Ordinal) => ByEmail,
            _ => ByName,
        };
        var prefix = q?.ToLowerInvariant();
        var page = new { after, r.IncludeArchived, q, prefix, prefixEnd = prefix + Highest, emailKey = prefix, dateOfBirth, limit = r.Limit + 1 };
        // Any change to any patient of the practice can change what a search finds.
        return await PhiAccessLog.ReadPageCachedAsync<Patient>(db, cache, CacheArea.Patients, http, practiceId, Logged[sql],
            PhiAccessLog.Parameters(page, http, "list", "patient", r.Limit), page, ["patient"], r.Limit, "patient", p => (p.Id, p.Id), ct, genericPlan: sql == ByName);
    }
}
