namespace Slices.Api.Features.Health.Status;

public sealed record Response(string Status, DateTimeOffset Timestamp, string Release, Services Services, Jobs Jobs);

/// <summary>Background jobs: how many wait in the queues for a worker (null when the database cannot say).</summary>
public sealed record Jobs(long? Backlog);

public sealed record Services(Dependency Database, Dependency Redis);

/// <summary>One dependency: "healthy" or "unhealthy", whether it answered, and how long its check took.</summary>
public sealed record Dependency(string Status, bool Healthy, double LatencyMs);
