using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Slices.Api.Platform.Auth;

/// <summary>Opaque refresh tokens: rt_ then base64url of the practice id and 32 random bytes. Stored only as SHA-256.</summary>
public static class RefreshToken
{
    public const string Prefix = "rt_";

    public static (string Token, byte[] Hash) Create(Guid practiceId)
    {
        var payload = new byte[48];
        practiceId.TryWriteBytes(payload.AsSpan(0, 16));
        RandomNumberGenerator.Fill(payload.AsSpan(16));
        return (Prefix + Base64UrlEncoder.Encode(payload), SHA256.HashData(payload));
    }

    public static bool TryParse(string? token, out Guid practiceId, out byte[] hash)
    {
        (practiceId, hash) = (Guid.Empty, []);
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 100) return false;
        byte[] payload;
        try
        {
            payload = Base64UrlEncoder.DecodeBytes(token[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (payload.Length != 48) return false;
        practiceId = new Guid(payload.AsSpan(0, 16));
        hash = SHA256.HashData(payload);
        return true;
    }
}
