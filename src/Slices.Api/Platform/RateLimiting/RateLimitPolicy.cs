namespace Slices.Api.Platform.RateLimiting;

/// <summary>A named limit: Limit requests per Window. FailClosed policies refuse rather than guess when Redis is away.</summary>
public sealed record RateLimitPolicy(string Name, int Limit, TimeSpan Window, bool FailClosed);

/// <summary>Endpoint metadata: this endpoint is also under the named policy (on top of the default).</summary>
public sealed record RateLimited(string Policy);

public static class LimitPolicies
{
    public const string Default = "default";

    /// <summary>Sign-in, sign-up, refresh and two-factor: tight, per IP, and closed when the shared counter is away.</summary>
    public const string Credentials = "credentials";

    /// <summary>Sign-in attempts per account (checked by the login slice, which knows the email).</summary>
    public const string Account = "account";

    public static RateLimitPolicy Of(string name, RateLimitOptions o) => name switch
    {
        Credentials => new(Credentials, o.CredentialsPermitLimit, TimeSpan.FromSeconds(o.CredentialsWindowSeconds), FailClosed: true),
        Account => new(Account, o.AccountPermitLimit, TimeSpan.FromSeconds(o.AccountWindowSeconds), FailClosed: true),
        _ => new(Default, o.PermitLimit, TimeSpan.FromSeconds(o.WindowSeconds), FailClosed: false),
    };
}
