namespace Slices.Api.Features.Audit.Verify;

/// <summary>The first link that does not hold: its event, and why (altered, or the chain is broken before it).</summary>
public sealed record BrokenLink(long Seq, Guid EventId, string Reason);

public sealed record Response(bool Valid, long EventsChecked, BrokenLink? FirstBroken);

public sealed record Row(long Seq, Guid Id, bool LinkHolds, bool HashHolds);
