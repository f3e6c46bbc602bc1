using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Features.Users.List;

public sealed record Request
{
    [QueryParam] public int Limit { get; init; } = Platform.Api.Cursor.DefaultLimit;
    [QueryParam] public string? Cursor { get; init; }
}

public sealed record Item(Guid Id, string Name, string Email, string Role, bool Disabled, bool MfaEnabled, DateTimeOffset CreatedAt);

public sealed record Response(IReadOnlyList<Item> Items, string? NextCursor);

public sealed class Validator : Validator<Request>
{
    public Validator()
    {
        RuleFor(r => r.Limit).InclusiveBetween(1, Platform.Api.Cursor.MaxLimit);
        RuleFor(r => r.Cursor).Must(c => Platform.Api.Cursor.TryDecode(c, out Guid _)).WithMessage(Platform.Api.Cursor.Invalid);
    }
}
