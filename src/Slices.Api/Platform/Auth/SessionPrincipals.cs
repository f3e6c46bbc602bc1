using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

/// <summary>What a live session grants the request that presents its token, beyond the token's own claims.</summary>
public readonly record struct SessionGrant(string Role, string Via, bool MfaPending, bool Operator);

/// <summary>
/// The principal a signed-in request runs as: the verified token's identity plus what its session grants (actor type,
/// role, how the token came, permissions). Made once per token and grant and shared by every request presenting
/// them, instead of twenty-odd claims made for each (a tenth of what a cached read allocated). A shared principal is
/// never changed once made: a new role or MFA state is another grant, and an ended session fails its check before any
/// principal is chosen, so each request still runs as its session is now. Entries live as long as the token's
/// verified identity (<see cref="VerifiedTokenCache"/>).
/// </summary>
public static class SessionPrincipals
{
    private static readonly ConditionalWeakTable<ClaimsIdentity, ConcurrentDictionary<SessionGrant, ClaimsPrincipal>> Made = new();

    public static ClaimsPrincipal For(ClaimsIdentity token, SessionGrant grant) =>
        Made.GetOrCreateValue(token).GetOrAdd(grant, static (g, t) => Build(t, g), token);

    private static ClaimsPrincipal Build(ClaimsIdentity token, SessionGrant grant)
    {
        var identity = token.Clone();
        Add(SlicesClaims.ActorType, "user");
        Add(SlicesClaims.Role, grant.Role);
        Add(SlicesClaims.Via, grant.Via);
        if (grant.MfaPending)
        {
            Add(SlicesClaims.MfaPending, "true"); // no permissions until enrolled
        }
        else
        {
            foreach (var permission in Permission.ForRole(grant.Role)) Add(SlicesClaims.Permission, permission);
            if (grant.Operator) Add(SlicesClaims.Permission, Permission.Operate);
        }
        return new IndexedPrincipal(identity);

        // Made with the identity as their subject: AddClaim copies any other claim, so each would be made twice.
        void Add(string type, string value) =>
            identity.AddClaim(new Claim(type, value, ClaimValueTypes.String, ClaimsIdentity.DefaultIssuer, ClaimsIdentity.DefaultIssuer, identity));
    }
}
