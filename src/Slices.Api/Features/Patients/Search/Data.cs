using System.Globalization;
using Dapper;
using Npgsql;

namespace Slices.Api.Features.Patients.Search;

public static class Data
{
    private const string Select = $"SELECT {Patient.Columns} FROM patients WHERE id > @after AND (@includeArchived OR archived_at IS NULL)";
    private const string Order = "ORDER BY id LIMIT @limit";

    // One statement per kind of q, so each can use its own index: the shape of q says which kind it is.
    private const string All = $"{Select} {Order}";
    private const string ByName = $"{Select} AND (lower(family_name || ' ' || given_name) LIKE '%' || @pattern || '%' OR mrn = @q) {Order}";
    private const string ByDateOfBirth = $"{Select} AND date_of_birth = @dateOfBirth {Order}";
    private const string ByPhone = $"{Select} AND phone = @q {Order}";
    private const string ByEmail = $"{Select} AND email = @q::citext {Order}";

    public static async Task<IReadOnlyList<Patient>> PageAsync(NpgsqlConnection c, NpgsqlTransaction tx, Request r, Guid after, int limit, CancellationToken ct)
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
        var pattern = q is null ? null : EscapeLike(q.ToLowerInvariant());
        return [.. await c.QueryAsync<Patient>(new CommandDefinition(sql, new { after, r.IncludeArchived, q, pattern, dateOfBirth, limit }, tx, cancellationToken: ct))];
    }

    // The caller's text is a parameter, never SQL; this only stops % and _ in it acting as LIKE wildcards.
    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
