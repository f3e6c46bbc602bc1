using System.Runtime.CompilerServices;
using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// The practice, session and user a verified access token names, read from its identity once. The identity is the one
/// <see cref="VerifiedTokenCache"/> keeps for the token, so every request presenting it finds these without searching
/// its claims (three searches, each with a predicate made for it) or parsing the ids again.
/// </summary>
internal sealed record TokenIds(Guid? PracticeId, Guid? SessionId, string? Subject)
{
    private static readonly ConditionalWeakTable<ClaimsIdentity, TokenIds> Read = new();

    public static TokenIds Of(ClaimsIdentity token) => Read.GetValue(token, static identity => new TokenIds(
        Guid.TryParse(identity.FindFirst(SlicesClaims.Practice)?.Value, out var practice) ? practice : null,
        Guid.TryParse(identity.FindFirst(SlicesClaims.Session)?.Value, out var session) ? session : null,
        identity.FindFirst(SlicesClaims.Subject)?.Value));
}
