using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Webhooks.Deliveries;

public sealed record Request
{
    public Guid Id { get; init; }
    [QueryParam] public string? Status { get; init; }
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Attempt(int Number, DateTimeOffset At, int? StatusCode, int DurationMs, string? Error);

/// <summary>One message to this endpoint: pending (nextAttemptAt says when), succeeded or failed, with every attempt.</summary>
public sealed record Delivery(Guid Id, string MessageId, string Type, string Status, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset CreatedAt,
    DateTimeOffset? DeliveredAt, IReadOnlyList<Attempt> AttemptLog);

public sealed record Response(IReadOnlyList<Delivery> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Status).Must(s => s is null or "pending" or "succeeded" or "failed").WithMessage("status is pending, succeeded or failed.");
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out Guid _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}
