using Slices.Api.Platform.Crypto;

namespace Slices.Api.Tests.Platform;

public sealed class KeyRingTests
{
    private static readonly string OldKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly string NewKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private static readonly CipherContext RowA = new("users", "totp_secret", Guid.CreateVersion7(), Guid.CreateVersion7());

    [Fact]
    public void A_value_round_trips_in_the_v1_format_with_a_fresh_nonce_each_time()
    {
        var ring = Ring("k2", ("k2", NewKey));

        var first = ring.Encrypt("JBSWY3DPEHPK3PXP", RowA);
        var second = ring.Encrypt("JBSWY3DPEHPK3PXP", RowA);

        Assert.StartsWith("v1:k2:", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal("JBSWY3DPEHPK3PXP", ring.Decrypt(first, RowA));
    }

    [Fact]
    public void A_value_encrypted_for_one_row_does_not_decrypt_in_another()
    {
        var ring = Ring("k2", ("k2", NewKey));
        var stored = ring.Encrypt("JBSWY3DPEHPK3PXP", RowA);

        Assert.Throws<KeyRingException>(() => ring.Decrypt(stored, RowA with { RowId = Guid.CreateVersion7() }));
        Assert.Throws<KeyRingException>(() => ring.Decrypt(stored, RowA with { PracticeId = Guid.CreateVersion7() }));
        Assert.Throws<KeyRingException>(() => ring.Decrypt(stored, RowA with { Column = "other" }));
    }

    [Fact]
    public void After_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key()
    {
        var stored = Ring("k1", ("k1", OldKey)).Encrypt("secret", RowA);
        var rotated = Ring("k2", ("k1", OldKey), ("k2", NewKey));

        Assert.Equal("secret", rotated.Decrypt(stored, RowA));
        Assert.Equal("k2", KeyRing.KeyIdOf(rotated.Encrypt("secret", RowA)));
    }

    [Fact]
    public void A_value_under_a_key_no_longer_configured_is_a_clear_error()
    {
        var stored = Ring("k1", ("k1", OldKey)).Encrypt("secret", RowA);

        var error = Assert.Throws<KeyRingException>(() => Ring("k2", ("k2", NewKey)).Decrypt(stored, RowA));

        Assert.Contains("'k1' is not configured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_refuse_short_keys_and_a_missing_active_key()
    {
        var options = new CryptoOptions { ActiveKeyId = "k9", Keys = { ["k1"] = Convert.ToBase64String(new byte[16]) } };

        var problems = options.Problems().ToList();

        Assert.Contains(problems, p => p.Contains("exactly 32 random bytes", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("no key with id 'k9'", StringComparison.Ordinal));
    }

    private static KeyRing Ring(string active, params (string Id, string Key)[] keys) =>
        new(new CryptoOptions { ActiveKeyId = active, Keys = keys.ToDictionary(k => k.Id, k => k.Key) });
}
