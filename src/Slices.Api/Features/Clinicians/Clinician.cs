namespace Slices.Api.Features.Clinicians;

/// <summary>Weekly hours in the clinician's time zone: ISO weekday (1 = Monday), and HH:mm start and end.</summary>
public sealed record WorkingHours(int Weekday, TimeOnly Starts, TimeOnly Ends);

public sealed record Clinician(Guid Id, string Name, string? Specialty, string TimeZone, Guid? UserId, bool Active, int Version, IReadOnlyList<WorkingHours> WorkingHours)
{
    public const string Columns = "id, name, specialty, time_zone, user_id, active, version";

    public static readonly Clinician Example = new(Guid.Parse("01935d50-1a2b-7c3d-8e4f-5061728394a5"), "Dr Lucas Meyer", "General practice", "Europe/London",
        null, true, 1, [new WorkingHours(1, new TimeOnly(9, 0), new TimeOnly(17, 0)), new WorkingHours(2, new TimeOnly(9, 0), new TimeOnly(13, 0))]);
}

/// <summary>A clinician's row before their hours are attached.</summary>
public sealed record ClinicianRow(Guid Id, string Name, string? Specialty, string TimeZone, Guid? UserId, bool Active, int Version)
{
    public Clinician With(IEnumerable<WorkingHours> hours) => new(Id, Name, Specialty, TimeZone, UserId, Active, Version, [.. hours]);
}

public sealed record HoursRow(Guid ClinicianId, short Weekday, TimeOnly Starts, TimeOnly Ends)
{
    public WorkingHours ToHours() => new(Weekday, Starts, Ends);
}
