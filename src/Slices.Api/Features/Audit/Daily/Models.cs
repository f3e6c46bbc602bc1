using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Audit.Daily;

/// <summary>From and to: UTC days, inclusive; at most 92 days.</summary>
public sealed record Request
{
    [QueryParam] public DateOnly? From { get; init; }
    [QueryParam] public DateOnly? To { get; init; }
}

/// <summary>One actor's day: audit events they caused and PHI reads they made. actorId is the nil uuid for the system.</summary>
public sealed record DayCount(DateOnly Day, string ActorType, Guid ActorId, long Events, long PhiReads)
{
    public DayCount() : this(default, "", Guid.Empty, 0, 0) { }
}

/// <summary>countedTo: the counts include everything logged before this time (the job runs hourly); null before its first run.</summary>
public sealed record Response(IReadOnlyList<DayCount> Items, DateTimeOffset? CountedTo);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.From).NotNull().WithMessage("Say which days: from (YYYY-MM-DD).");
        RuleFor(r => r.To).NotNull().WithMessage("Say which days: to (YYYY-MM-DD).");
        RuleFor(r => r).Must(r => r.From is null || r.To is null || (r.From <= r.To && r.To.Value.DayNumber - r.From.Value.DayNumber < 92))
            .WithName("to").WithMessage("to must be on or after from, and at most 92 days later.");
    }
}
