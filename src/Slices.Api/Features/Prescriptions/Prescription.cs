namespace Slices.Api.Features.Prescriptions;

/// <summary>Status: draft, signed or discontinued. Quantity is exact decimal, never floating point.</summary>
public sealed record Prescription(Guid Id, Guid PatientId, Guid PrescriberId, string MedicationName, string? MedicationCode, string Dose, string Route,
    string Frequency, decimal Quantity, string QuantityUnit, int Refills, string? Instructions, string Status, DateTimeOffset? SignedAt,
    DateTimeOffset? DiscontinuedAt, string? DiscontinueReason, int Version, DateTimeOffset CreatedAt)
{
    public const string Columns = """
        id, patient_id, prescriber_id, medication_name, medication_code, dose, route, frequency, quantity, quantity_unit, refills,
        instructions, status, signed_at, discontinued_at, discontinue_reason, version, created_at
        """;

    public static readonly Prescription Example = new(Guid.Parse("01935d70-1a2b-7c3d-8e4f-5061728394a5"), Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5"),
        Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), "Amoxicillin 500 mg capsules", "308182", "500 mg", "oral", "three times a day", 21m, "capsule", 0,
        "Take with water; complete the course.", "draft", null, null, null, 1, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}
