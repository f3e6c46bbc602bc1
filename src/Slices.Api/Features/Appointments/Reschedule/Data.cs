using Dapper;
using Npgsql;

namespace Slices.Api.Features.Appointments.Reschedule;

public static class Data
{
    private const string Lock = $"SELECT {Appointment.Columns} FROM appointments WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE appointments SET starts_at = @StartsAt, ends_at = @EndsAt, reason = @Reason, version = version + 1, updated_at = now()
        WHERE id = @Id
        RETURNING {Appointment.Columns}
        """;

    public static Task<Appointment?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Appointment>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Appointment> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Appointment a, CancellationToken ct) =>
        c.QuerySingleAsync<Appointment>(new CommandDefinition(Save, new { a.Id, a.StartsAt, a.EndsAt, a.Reason }, tx, cancellationToken: ct));
}
