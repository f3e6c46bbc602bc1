namespace Slices.Api.Features.Patients;

/// <summary>A patient as every patient endpoint shows it. Sex: female, male, other or unknown. Phone is E.164.</summary>
public sealed record Patient(
    Guid Id, string? Mrn, string GivenName, string FamilyName, DateOnly DateOfBirth, string Sex, string? Phone, string? Email,
    bool Archived, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The columns, in constructor order, for the patient slices' SELECT and RETURNING lists.</summary>
    public const string Columns = "id, mrn, given_name, family_name, date_of_birth, sex, phone, email, archived_at IS NOT NULL AS archived, version, created_at, updated_at";

    public static readonly Patient Example = new(Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5"), "HFC-000142", "Maria", "Santos",
        new DateOnly(1984, 3, 12), "female", "+447700900123", "maria.santos@example.com", false, 1,
        new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}
