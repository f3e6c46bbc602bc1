namespace Slices.Api.Features.Notes;

/// <summary>A clinical note. Status draft or signed; AmendsId marks an addendum to a signed note.</summary>
public sealed record Note(Guid Id, Guid PatientId, Guid AuthorId, string Body, Guid? AmendsId, string Status, DateTimeOffset? SignedAt, int Version, DateTimeOffset CreatedAt)
{
    public const string Columns = "id, patient_id, author_id, body, amends_id, status, signed_at, version, created_at";
    public const int MaxBody = 20_000;

    public static readonly Note Example = new(Guid.Parse("01935d80-1a2b-7c3d-8e4f-5061728394a5"), Guid.Parse("01935d40-1a2b-7c3d-8e4f-5061728394a5"),
        Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), "BP 128/82. Continue current dose; review in 3 months.", null, "draft", null, 1,
        new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}
