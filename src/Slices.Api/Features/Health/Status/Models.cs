namespace Slices.Api.Features.Health.Status;

public sealed record Response(string Status, DateTimeOffset Timestamp, string Release, Services Services);

public sealed record Services(Dependency Database, Dependency Redis);

/// <summary>One dependency: "healthy" or "unhealthy", whether it answered, and how long its check took.</summary>
public sealed record Dependency(string Status, bool Healthy, double LatencyMs);
