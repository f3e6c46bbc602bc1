using Dapper;
using Npgsql;

namespace Slices.Api.Features.Clinicians;

/// <summary>The working-hours SQL the clinician slices share (create, change, list).</summary>
public static class HoursData
{
    private const string Replace = "DELETE FROM clinician_hours WHERE clinician_id = @clinicianId";

    private const string Insert = """
        INSERT INTO clinician_hours (practice_id, clinician_id, weekday, starts, ends)
        VALUES (current_tenant(), @clinicianId, @Weekday, @Starts, @Ends)
        """;

    private const string Of = "SELECT clinician_id, weekday, starts, ends FROM clinician_hours WHERE clinician_id = ANY(@ids) ORDER BY weekday, starts";

    public static async Task SetAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid clinicianId, IReadOnlyList<WorkingHours> hours, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(Replace, new { clinicianId }, tx, cancellationToken: ct));
        await c.ExecuteAsync(new CommandDefinition(Insert, hours.Select(h => new { clinicianId, Weekday = (short)h.Weekday, h.Starts, h.Ends }), tx, cancellationToken: ct));
    }

    public static async Task<ILookup<Guid, WorkingHours>> OfAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid[] ids, CancellationToken ct) =>
        (await c.QueryAsync<HoursRow>(new CommandDefinition(Of, new { ids }, tx, cancellationToken: ct))).ToLookup(h => h.ClinicianId, h => h.ToHours());
}
