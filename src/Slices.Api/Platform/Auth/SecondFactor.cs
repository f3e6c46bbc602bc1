using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using OtpNet;
using Slices.Api.Platform.Crypto;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// TOTP (RFC 6238: 30 s steps, 6 digits, one step of clock drift either way) with each step usable once, and
/// single-use recovery codes stored as SHA-256. The TOTP secret is key-ring ciphertext bound to its user's row.
/// </summary>
public sealed class SecondFactor(KeyRing keyRing, ILogger<SecondFactor> logger)
{
    public const int RecoveryCodeCount = 10;

    private const string UseStep = """
        UPDATE users SET totp_last_step = @step WHERE id = @userId AND (totp_last_step IS NULL OR totp_last_step < @step)
        """;

    private const string UseRecoveryCode = """
        UPDATE recovery_codes SET used_at = now() WHERE user_id = @userId AND code_hash = @hash AND used_at IS NULL
        """;

    public static CipherContext SecretContext(Guid practiceId, Guid userId) => new("users", "totp_secret", userId, practiceId);

    public (string Base32, string Ciphertext) NewSecret(Guid practiceId, Guid userId)
    {
        var base32 = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));
        return (base32, keyRing.Encrypt(base32, SecretContext(practiceId, userId)));
    }

    /// <summary>True when <paramref name="code"/> is the current TOTP (not used before) or an unused recovery code; either is then spent.</summary>
    public async Task<bool> VerifyAndSpendAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, Guid userId, string encryptedSecret, string code, CancellationToken ct)
    {
        code = code.Trim();
        if (code.Length == 6 && code.All(char.IsAsciiDigit))
        {
            if (!Matches(encryptedSecret, practiceId, userId, code, out var step)) return false;
            return await c.ExecuteAsync(new CommandDefinition(UseStep, new { userId, step }, tx, cancellationToken: ct)) == 1;
        }
        return await c.ExecuteAsync(new CommandDefinition(UseRecoveryCode, new { userId, hash = RecoveryCodeHash(code) }, tx, cancellationToken: ct)) == 1;
    }

    public bool Matches(string encryptedSecret, Guid practiceId, Guid userId, string code, out long step)
    {
        step = 0;
        string secret;
        try
        {
            secret = keyRing.Decrypt(encryptedSecret, SecretContext(practiceId, userId));
        }
        catch (KeyRingException e)
        {
            // A secret that does not decrypt for this row was copied from another or altered: never a match.
            logger.LogError("The TOTP secret of user {UserId} does not decrypt: {Reason}", userId, e.Message);
            return false;
        }
        return new Totp(Base32Encoding.ToBytes(secret)).VerifyTotp(code, out step, new VerificationWindow(previous: 1, future: 1));
    }

    public static IReadOnlyList<string> NewRecoveryCodes() =>
        [.. Enumerable.Range(0, RecoveryCodeCount).Select(_ => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(10)).ToLowerInvariant().Insert(8, "-"))];

    public static byte[] RecoveryCodeHash(string code) => SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim().ToLowerInvariant()));
}
