using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

/// <summary>Who did something, for the event store and the access log: a user, an API key, the system, or nobody yet.</summary>
public sealed record Actor(string Type, Guid? ActorId, string? RequestId)
{
    /// <summary>The actor types a request can run as (the <see cref="SlicesClaims.ActorType"/> claim), and "anonymous".</summary>
    public const string UserType = "user", ApiKeyType = "api_key", AnonymousType = "anonymous";

    /// <summary>Slices itself, in background work that no request started.</summary>
    public static readonly Actor System = new("system", null, null);

    public static Actor Anonymous(HttpContext context) => new(AnonymousType, null, context.TraceIdentifier);

    public static Actor User(Guid userId, HttpContext context) => new(UserType, userId, context.TraceIdentifier);

    public static Actor Of(HttpContext context)
    {
        var principal = context.User;
        var type = principal.Value(SlicesClaims.ActorType);
        return Guid.TryParse(principal.Value(SlicesClaims.Subject), out var id) && type is not null
            ? new Actor(type, id, context.TraceIdentifier)
            : Anonymous(context);
    }
}
