using Dapper;
using Npgsql;

namespace Slices.Api.Features.Appointments.ChangeStatus;

public static class Data
{
    private const string Lock = $"SELECT {Appointment.Columns} FROM appointments WHERE id = @id FOR UPDATE";

    private const string Save = $"""
        UPDATE appointments SET status = @status, cancel_reason = @cancelReason, version = version + 1, updated_at = now()
        WHERE id = @id
        RETURNING {Appointment.Columns}
        """;

    public static Task<Appointment?> LockAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Appointment>(new CommandDefinition(Lock, new { id }, tx, cancellationToken: ct));

    public static Task<Appointment> SaveAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, string status, string? cancelReason, CancellationToken ct) =>
        c.QuerySingleAsync<Appointment>(new CommandDefinition(Save, new { id, status, cancelReason }, tx, cancellationToken: ct));
}
