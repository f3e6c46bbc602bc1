using Dapper;
using Npgsql;
using Slices.Api.Platform.Audit;
using Slices.Api.Platform.Caching;

namespace Slices.Api.Features.Appointments.List;

public static class Data
{
    // Keyset on (starts_at, id): a clinician's day or a patient's history in time order, on their indexes.
    internal const string Page = $"""
        SELECT {Appointment.Columns} FROM appointments
        WHERE (starts_at, id) > (@afterAt, @afterId)
          AND (@clinicianId::uuid IS NULL OR clinician_id = @clinicianId)
          AND (@patientId::uuid IS NULL OR patient_id = @patientId)
          AND (@from::timestamptz IS NULL OR starts_at >= @from)
          AND (@to::timestamptz IS NULL OR starts_at < @to)
          AND (@status::text IS NULL OR status = @status)
        ORDER BY starts_at, id
        LIMIT @limit
        """;

    /// <summary>
    /// The (starts_at, id) the page starts after: the later of the cursor and the window's start, as one bound. Given
    /// both as separate bounds, PostgreSQL started from the cursor's row bound, on a first page the clinician's first
    /// appointment, and read every earlier day from the index. Ids are generated here, so none is the nil uuid.
    /// </summary>
    public static (DateTimeOffset At, Guid Id) StartAfter((DateTimeOffset At, Guid Id) cursor, DateTimeOffset? from) =>
        from is { } start && cursor.At < start ? (start, Guid.Empty) : cursor;

    private static readonly string LoggedPage = PhiAccessLog.Logged(Page, "id", "patient_id", "starts_at, id");

    /// <summary>
    /// A page (one row more than shown, to know whether another follows) through the cache, and the access log of the
    /// rows shown on every read. Any appointment change in the practice can change a page.
    /// </summary>
    public static async Task<(IReadOnlyList<Appointment> Rows, CacheOutcome Outcome)> PageAsync(Platform.Database.Db db, TwoLevelCache cache, HttpContext http, Guid practiceId, Request r,
        (DateTimeOffset At, Guid Id) after, CancellationToken ct)
    {
        var (afterAt, afterId) = StartAfter(after, r.From);
        var page = new { afterAt, afterId, r.ClinicianId, r.PatientId, r.From, r.To, r.Status, limit = r.Limit + 1 };
        return await PhiAccessLog.ReadPageCachedAsync<Appointment>(db, cache, CacheArea.Appointments, http, practiceId, LoggedPage,
            PhiAccessLog.Parameters(page, http, "list", "appointment", r.Limit), page, ["appointment"], r.Limit, "appointment", a => (a.Id, a.PatientId), ct);
    }
}
