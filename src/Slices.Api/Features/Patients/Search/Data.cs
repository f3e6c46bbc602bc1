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
    // A common surname prefix matches thousands in a large practice. Each name's index also holds id and archived_at
    // (0016), so each branch picks its first page from the index alone, and only the rows shown are read from the table.
    private const string Matching = "SELECT id FROM patients WHERE id > @after AND (@includeArchived OR archived_at IS NULL)";
    internal const string ByName = $"""
        SELECT {Patient.Columns} FROM patients WHERE id IN (
            SELECT id FROM (({Matching} AND family_key >= @prefix AND family_key < @prefixEnd {Order})
                      UNION ({Matching} AND given_key >= @prefix AND given_key < @prefixEnd {Order})
                      UNION ({Matching} AND mrn = @q {Order})) matched
            {Order})
        {Order}
        """;
    internal const string ByDateOfBirth = $"{Select} AND date_of_birth = @dateOfBirth {Order}";
    internal const string ByPhone = $"{Select} AND phone = @q {Order}";
    internal const string ByEmail = $"{Select} AND email_key = @emailKey {Order}";

    // Above every character: [prefix, prefix + this) holds exactly the strings that start with prefix, in byte order.
    private static readonly string Highest = char.ConvertFromUtf32(0x10FFFF);

    private static readonly Dictionary<string, string> Logged = new[] { All, ByName, ByDateOfBirth, ByPhone, ByEmail }
        .ToDictionary(sql => sql, sql => PhiAccessLog.Logged(sql, "id", "id", "id"));

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
            PhiAccessLog.Parameters(page, http, "list", "patient", r.Limit), page, ["patient"], r.Limit, "patient", p => (p.Id, p.Id), ct);
    }
}
