using FastEndpoints;

namespace Slices.Api.Features.Patients.History;

public sealed record Request
{
    public Guid Id { get; init; }

    /// <summary>The moment to show the patient as of; now when left out.</summary>
    [QueryParam] public DateTimeOffset? At { get; init; }
}

/// <summary>The patient as the events up to At describe them, and how many events that took.</summary>
public sealed record Response(Guid Id, DateTimeOffset At, int Version, int EventsApplied, string? Mrn, string GivenName, string FamilyName,
    DateOnly DateOfBirth, string Sex, string? Phone, string? Email, bool Archived);

public sealed record EventRow(int Version, string Type, string Data);
