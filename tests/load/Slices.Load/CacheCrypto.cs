using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Slices.Api.Platform.Crypto;

namespace Slices.Load;

/// <summary>
/// What keeping PHI in Redis as ciphertext costs: the key ring's AES-256-GCM on a patient record as the cache stores
/// it (JSON), per encryption (a miss that stores) and per decryption (a hit from Redis). Memory hits pay neither.
/// </summary>
public static class CacheCrypto
{
    public static (double EncryptMicros, double DecryptMicros, int Bytes) Measure(int iterations = 200_000)
    {
        var ring = new KeyRing(new CryptoOptions { ActiveKeyId = "bench", Keys = { ["bench"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) } });
        var json = JsonSerializer.Serialize(new
        {
            id = Guid.CreateVersion7(), mrn = "MRN-0042137", givenName = "Maria", familyName = "Santos", dateOfBirth = "1984-03-12", sex = "female",
            phone = "+447700900123", email = "maria.santos@example.com", archived = false, version = 3, createdAt = DateTimeOffset.UtcNow, updatedAt = DateTimeOffset.UtcNow,
        });
        var context = new CipherContext("cache", "patients", Guid.CreateVersion7(), Guid.CreateVersion7());
        var stored = ring.Encrypt(json, context);
        for (var i = 0; i < 10_000; i++) ring.Decrypt(ring.Encrypt(json, context), context); // warm up

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) ring.Encrypt(json, context);
        var encrypt = clock.Elapsed.TotalMicroseconds / iterations;
        clock.Restart();
        for (var i = 0; i < iterations; i++) ring.Decrypt(stored, context);
        var decrypt = clock.Elapsed.TotalMicroseconds / iterations;
        return (encrypt, decrypt, json.Length);
    }

    public static string Describe((double EncryptMicros, double DecryptMicros, int Bytes) cost) => string.Create(CultureInfo.InvariantCulture,
        $"PHI in Redis as ciphertext: {cost.EncryptMicros:F1} µs to encrypt and {cost.DecryptMicros:F1} µs to decrypt a {cost.Bytes}-byte patient record (one core)");
}
