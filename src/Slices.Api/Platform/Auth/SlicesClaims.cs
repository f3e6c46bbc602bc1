using System.Security.Claims;

namespace Slices.Api.Platform.Auth;

public static class SlicesClaims
{
    public const string Subject = "sub";
    public const string Practice = "tid";
    public const string Session = "sid";
    public const string Role = "role";
    public const string Permission = "permission";
    public const string ActorType = "actor";
    public const string Via = "via";
    public const string MfaPending = "mfa_pending";
    public const string RateLimit = "rate_limit";

    /// <summary>The claim type's first value, or null: from a signed-in session's <see cref="IndexedPrincipal"/> without a search.</summary>
    public static string? Value(this ClaimsPrincipal principal, string type) =>
        principal is IndexedPrincipal indexed ? indexed.First(type) : principal.FindFirstValue(type);

    /// <summary>The caller's permissions in ordinal order, joined by commas: made once with a signed-in session's principal.</summary>
    public static string PermissionList(this ClaimsPrincipal principal) =>
        principal is IndexedPrincipal indexed ? indexed.PermissionList : JoinPermissions(principal);

    internal static string JoinPermissions(ClaimsPrincipal principal) =>
        string.Join(',', principal.FindAll(Permission).Select(c => c.Value).Order(StringComparer.Ordinal));

    public static Guid PracticeId(this ClaimsPrincipal principal) => Guid.Parse(principal.Value(Practice)!);

    public static Guid SubjectId(this ClaimsPrincipal principal) => Guid.Parse(principal.Value(Subject)!);

    public static Guid? SessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.Value(Session), out var id) ? id : null;
}
