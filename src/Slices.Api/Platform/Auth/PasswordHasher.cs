using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// Argon2id with the OWASP password storage cheat sheet's parameters (19 MiB, 2 iterations, 1 lane), stored in the
/// PHC string format so parameters can be raised later and old hashes still verify.
/// </summary>
public sealed class PasswordHasher
{
    public const int MinLength = 12;
    public const int MaxLength = 128;
    private const int MemoryKiB = 19 * 1024;
    private const int Iterations = 2;
    private const int Lanes = 1;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    // Verifying an unknown email against this costs the same as a real check, so timing does not tell whether an account exists.
    private readonly Lazy<string> _decoy;

    public PasswordHasher() => _decoy = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Compute(password, salt, MemoryKiB, Iterations, Lanes);
        return $"$argon2id$v=19$m={MemoryKiB},t={Iterations},p={Lanes}${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(hash).TrimEnd('=')}";
    }

    public bool Verify(string password, string encoded)
    {
        var parts = encoded.Split('$');
        if (parts is not ["", "argon2id", "v=19", var parameters, var salt, var expected]) return false;
        var values = parameters.Split(',').Select(p => int.Parse(p[2..], CultureInfo.InvariantCulture)).ToArray();
        var expectedBytes = FromUnpadded(expected);
        var actual = Compute(password, FromUnpadded(salt), values[0], values[1], values[2], expectedBytes.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expectedBytes);
    }

    public void VerifyDecoy(string password) => Verify(password, _decoy.Value);

    private static byte[] Compute(string password, byte[] salt, int memoryKiB, int iterations, int lanes, int length = HashBytes)
    {
        using var argon = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = memoryKiB,
            Iterations = iterations,
            DegreeOfParallelism = lanes,
        };
        return argon.GetBytes(length);
    }

    private static byte[] FromUnpadded(string base64) => Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
}
