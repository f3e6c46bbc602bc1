using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

/// <summary>What a live session grants the request that presents its token, beyond the token's own claims.</summary>
public readonly record struct SessionGrant(string Role, string Via, bool MfaPending, bool Operator);

/// <summary>
/// The principal a signed-in request runs as: the verified token's identity plus what its session grants (actor type,
/// role, how the token came, permissions). Made once per token (again when its grant changes) and shared by every
/// request presenting it, instead of twenty-odd claims made for each (a tenth of what a cached read allocated). A
/// shared principal is never changed once made: a new role or MFA state is another grant, and an ended session fails
/// its check before any principal is chosen, so each request still runs as its session is now. Entries live as long
/// as the token's verified identity (<see cref="VerifiedTokenCache"/>).
/// </summary>
public static class SessionPrincipals
{
    // One principal per token: a token's grant changes only when its session's role or MFA state does, or when a
    // browser's cookie token is also sent as a bearer, and then the next principal replaces it. A dictionary of grants
    // per token would cost about as much memory as the principal itself, for each of up to VerifiedTokenCache's
    // 100,000 tokens, to serve the rare token with two grants.
    private static readonly ConditionalWeakTable<ClaimsIdentity, StrongBox<Made?>> Latest = new();

    private sealed record Made(SessionGrant Grant, ClaimsPrincipal Principal);

    public static ClaimsPrincipal For(ClaimsIdentity token, SessionGrant grant)
    {
        var latest = Latest.GetOrCreateValue(token);
        if (Volatile.Read(ref latest.Value) is { } made && made.Grant == grant) return made.Principal;
        var principal = Build(token, grant);
        Volatile.Write(ref latest.Value, new Made(grant, principal));
        return principal;
    }

    private static ClaimsPrincipal Build(ClaimsIdentity token, SessionGrant grant)
    {
        var identity = token.Clone();
        Add(SlicesClaims.ActorType, Actor.UserType);
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
