namespace Slices.Api.Features.Appointments;

/// <summary>Status: scheduled, checked_in, completed, cancelled or no_show.</summary>
public sealed record Appointment(Guid Id, Guid PatientId, Guid ClinicianId, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string? Reason,
    string Status, string? CancelReason, int Version, DateTimeOffset CreatedAt)
{
    public const string Columns = "id, patient_id, clinician_id, starts_at, ends_at, reason, status, cancel_reason, version, created_at";

    public static readonly Appointment Example = new(Guid.Parse("01935d60-1a2b-7c3d-8e4f-5061728394a5"), Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5"),
        Guid.Parse("01935d50-1a2b-7c3d-8e4f-5061728394a5"), new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 30, 9, 30, 0, TimeSpan.Zero),
        "Follow-up on blood pressure", "scheduled", null, 1, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}
