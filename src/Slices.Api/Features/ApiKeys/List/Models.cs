namespace Slices.Api.Features.ApiKeys.List;

public sealed record Item(Guid Id, string Name, string[] Scopes, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record Response(IReadOnlyList<Item> Items);
