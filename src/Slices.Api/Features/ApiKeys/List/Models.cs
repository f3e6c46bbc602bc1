namespace Slices.Api.Features.ApiKeys.List;

// Properties, not a positional record: Npgsql reports text[] columns as System.Array, which Dapper's
// constructor matching does not accept.
public sealed record Item
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string[] Scopes { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

public sealed record Response(IReadOnlyList<Item> Items);
