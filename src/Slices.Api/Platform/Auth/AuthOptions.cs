using System.Security.Cryptography;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Auth;

public sealed class AuthOptions : Settings
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "https://api.slices.health";
    public string Audience { get; set; } = "slices-api";
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>ES256 signing keys: key id to a PEM EC P-256 private key. Every one verifies tokens; the active one signs.</summary>
    public Dictionary<string, string> SigningKeys { get; set; } = [];
    public string? ActiveSigningKeyId { get; set; }

    public int SessionIdleMinutes { get; set; } = 30;
    public int SessionLifetimeHours { get; set; } = 12;
    public int LockoutThreshold { get; set; } = 10;
    public int LockoutWindowMinutes { get; set; } = 15;

    /// <summary>Set in Development only: with no signing key configured, one is made at start (tokens die with the process).</summary>
    internal bool AllowEphemeralSigningKey { get; set; }

    protected override IEnumerable<string> Check()
    {
        if (SigningKeys.Count == 0 && !AllowEphemeralSigningKey)
            yield return SettingName.Problem("Auth:SigningKeys:<kid>", "required: a PEM EC P-256 private key (openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt)");
        foreach (var (kid, pem) in SigningKeys)
            if (!IsP256PrivateKey(pem)) yield return SettingName.Problem($"Auth:SigningKeys:{kid}", "must be a PEM EC P-256 private key");
        if (SigningKeys.Count > 0 && (ActiveSigningKeyId is null || !SigningKeys.ContainsKey(ActiveSigningKeyId)))
            yield return SettingName.Problem("Auth:ActiveSigningKeyId", "must name one of the keys under Auth:SigningKeys");
        if (string.IsNullOrWhiteSpace(Issuer)) yield return SettingName.Problem("Auth:Issuer", "required");
        if (string.IsNullOrWhiteSpace(Audience)) yield return SettingName.Problem("Auth:Audience", "required");
        if (AccessTokenMinutes is < 1 or > 60) yield return SettingName.Problem("Auth:AccessTokenMinutes", "must be between 1 and 60");
        if (SessionIdleMinutes is < 1 or > 1440) yield return SettingName.Problem("Auth:SessionIdleMinutes", "must be between 1 and 1440");
        if (SessionLifetimeHours is < 1 or > 720) yield return SettingName.Problem("Auth:SessionLifetimeHours", "must be between 1 and 720");
        if (LockoutThreshold is < 3 or > 100) yield return SettingName.Problem("Auth:LockoutThreshold", "must be between 3 and 100");
        if (LockoutWindowMinutes is < 1 or > 1440) yield return SettingName.Problem("Auth:LockoutWindowMinutes", "must be between 1 and 1440");
    }

    private static bool IsP256PrivateKey(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256 && key.ExportParameters(true).D is { Length: > 0 };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
