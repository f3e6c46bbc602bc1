namespace Slices.Api.Features.Notes.Get;

public static class Data
{
    /// <summary>One record by id; the endpoint reads it with its access-log row (PhiAccessLog.ReadOneAsync).</summary>
    internal const string Read = $"SELECT {Note.Columns} FROM clinical_notes WHERE id = @id";
}
