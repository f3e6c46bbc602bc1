using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Auth;

/// <summary>The ES256 keys: one signs, all verify, so a new key can sign while tokens of the old one stay valid until they expire.</summary>
public sealed class JwtKeys
{
    public JwtKeys(AuthOptions options, ILogger<JwtKeys> logger)
    {
        var configured = options.SigningKeys.Count > 0
            ? options.SigningKeys
            : new Dictionary<string, string> { ["dev-" + Guid.NewGuid().ToString("N")[..8]] = EphemeralPem(logger) };
        var keys = configured.ToDictionary(k => k.Key, k =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(k.Value);
            return new ECDsaSecurityKey(ecdsa) { KeyId = k.Key };
        });
        ValidationKeys = [.. keys.Values];
        var active = options.SigningKeys.Count > 0 ? options.ActiveSigningKeyId! : keys.Keys.Single();
        Signing = new SigningCredentials(keys[active], SecurityAlgorithms.EcdsaSha256);
    }

    public SigningCredentials Signing { get; }
    public IReadOnlyList<SecurityKey> ValidationKeys { get; }

    /// <summary>The public halves, as a JSON Web Key Set.</summary>
    public IReadOnlyList<PublicJwk> PublicKeys() => ValidationKeys.Cast<ECDsaSecurityKey>().Select(key =>
    {
        var parameters = key.ECDsa.ExportParameters(false);
        return new PublicJwk("EC", "sig", "ES256", key.KeyId, "P-256",
            Base64UrlEncoder.Encode(parameters.Q.X!), Base64UrlEncoder.Encode(parameters.Q.Y!));
    }).ToList();

    private static string EphemeralPem(ILogger logger)
    {
        logger.LogWarning("No Auth:SigningKeys configured: signing tokens with a key made at start (Development only; tokens end with the process)");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}

public sealed record PublicJwk(string Kty, string Use, string Alg, string Kid, string Crv, string X, string Y);
