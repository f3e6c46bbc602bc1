using System.Text.Json;
using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Audit.ListEvents;

public sealed record Request
{
    [QueryParam] public string? Stream { get; init; }
    [QueryParam] public string? Type { get; init; }
    [QueryParam] public DateTimeOffset? From { get; init; }
    [QueryParam] public DateTimeOffset? To { get; init; }
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Actor(string Type, Guid? Id);

public sealed record Item(long Seq, Guid Id, string Stream, int Version, string Type, JsonElement Data, Actor Actor, string? RequestId, DateTimeOffset OccurredAt);

public sealed record Response(IReadOnlyList<Item> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Stream).MaximumLength(200);
        RuleFor(r => r.Type).MaximumLength(100);
        RuleFor(r => r.To).GreaterThan(r => r.From).When(r => r.From is not null && r.To is not null);
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out long _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}

public sealed record Row(long Seq, Guid Id, string Stream, int Version, string Type, string Data, string ActorType, Guid? ActorId, string? RequestId, DateTimeOffset OccurredAt);
