using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// An integrator's key: sk_live_ then base64url of the practice id, the key id and 32 random bytes. Only the SHA-256
/// of the secret part is stored; the ids inside let the server find the row without scanning.
/// </summary>
public static class ApiKeyToken
{
    public const string Prefix = "sk_live_";
    private const int SecretBytes = 32;

    public static (string Token, byte[] SecretHash) Create(Guid practiceId, Guid keyId)
    {
        var secret = RandomNumberGenerator.GetBytes(SecretBytes);
        var payload = new byte[32 + SecretBytes];
        practiceId.TryWriteBytes(payload.AsSpan(0, 16));
        keyId.TryWriteBytes(payload.AsSpan(16, 16));
        secret.CopyTo(payload, 32);
        return (Prefix + Base64UrlEncoder.Encode(payload), SHA256.HashData(secret));
    }

    public static bool TryParse(string? token, out Guid practiceId, out Guid keyId, out byte[] secretHash)
    {
        (practiceId, keyId, secretHash) = (Guid.Empty, Guid.Empty, []);
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200) return false;
        byte[] payload;
        try
        {
            payload = Base64UrlEncoder.DecodeBytes(token[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (payload.Length != 32 + SecretBytes) return false;
        practiceId = new Guid(payload.AsSpan(0, 16));
        keyId = new Guid(payload.AsSpan(16, 16));
        secretHash = SHA256.HashData(payload.AsSpan(32));
        return true;
    }
}
