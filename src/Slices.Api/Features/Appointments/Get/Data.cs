using Dapper;
using Npgsql;

namespace Slices.Api.Features.Appointments.Get;

public static class Data
{
    private const string Read = $"SELECT {Appointment.Columns} FROM appointments WHERE id = @id";

    public static Task<Appointment?> ReadAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Appointment>(new CommandDefinition(Read, new { id }, tx, cancellationToken: ct));
}
