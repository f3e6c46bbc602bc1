using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// A principal that is not changed once made, with the first value of each claim type in a table made with it.
/// FindFirst searches the claims through a predicate made for each call, and a request reads its caller's claims
/// about ten times (session check, rate limit, CSRF, tenant, access log, completion log line).
/// </summary>
public sealed class IndexedPrincipal : ClaimsPrincipal
{
    private readonly Dictionary<string, string> _first = new(StringComparer.Ordinal); // a token's identity compares claim types exactly

    public IndexedPrincipal(ClaimsIdentity identity) : base(identity)
    {
        foreach (var claim in identity.Claims) _first.TryAdd(claim.Type, claim.Value);
        PermissionList = SlicesClaims.JoinPermissions(this);
    }

    /// <summary>See <see cref="SlicesClaims.PermissionList"/> (the response cache keys every cached answer on it).</summary>
    public string PermissionList { get; }

    public string? First(string type) => _first.GetValueOrDefault(type);
}
