namespace Slices.Api.Platform.Caching;

/// <summary>
/// Endpoint metadata: the cache tags this GET looks up, known before it runs, so that authentication can start
/// reading their generations beside its own Redis read (<see cref="TwoLevelCache.StartLookup"/>). Either a kind
/// (every page of patients carries "patient"), or one record's stream, its id taken from the route. A hint only: a
/// lookup whose tags turn out different reads its own.
/// </summary>
public sealed record CacheLookup(string Kind, string? IdRouteValue)
{
    /// <summary>The tags, or null when the route's id is not a GUID (the endpoint answers that itself).</summary>
    public IReadOnlyList<string>? TagsFor(HttpContext http) =>
        IdRouteValue is null ? [Kind]
        : Guid.TryParse(http.Request.RouteValues[IdRouteValue] as string, out var id) ? CacheInvalidation.TagsOf(Kind, id) : null;
}

public static class CacheLookups
{
    /// <summary>This GET reads cache entries tagged with the kind: <c>Options(b =&gt; b.LooksUpCache("patient"));</c></summary>
    public static RouteHandlerBuilder LooksUpCache(this RouteHandlerBuilder builder, string kind) =>
        builder.WithMetadata(new CacheLookup(kind, null));

    /// <summary>This GET reads one record's entry, {kind}/{id} with the route's id: <c>b.LooksUpCacheOf("patient", "id")</c>.</summary>
    public static RouteHandlerBuilder LooksUpCacheOf(this RouteHandlerBuilder builder, string kind, string idRouteValue) =>
        builder.WithMetadata(new CacheLookup(kind, idRouteValue));
}
