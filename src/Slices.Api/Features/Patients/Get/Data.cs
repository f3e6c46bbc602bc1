namespace Slices.Api.Features.Patients.Get;

public static class Data
{
    /// <summary>One record by id; the endpoint reads it with its access-log row (PhiAccessLog.ReadOneAsync).</summary>
    internal const string Read = $"SELECT {Patient.Columns} FROM patients WHERE id = @id";
}
