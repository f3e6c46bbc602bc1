namespace Slices.Api.Features.Appointments.Get;

public static class Data
{
    /// <summary>One record by id; the endpoint reads it with its access-log row (PhiAccessLog.ReadOneAsync).</summary>
    internal const string Read = $"SELECT {Appointment.Columns} FROM appointments WHERE id = @id";
}
