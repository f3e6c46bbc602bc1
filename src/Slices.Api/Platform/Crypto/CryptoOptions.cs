using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Crypto;

/// <summary>The key ring for encrypted columns: every key id with its base64 32-byte AES key, and the one new values use.</summary>
public sealed class CryptoOptions : Settings
{
    public const string Section = "Crypto";

    public string? ActiveKeyId { get; set; }
    public Dictionary<string, string> Keys { get; set; } = [];

    protected override IEnumerable<string> Check()
    {
        if (Keys.Count == 0) yield return SettingName.Problem("Crypto:Keys:<id>", "required: at least one base64 32-byte key (head -c 32 /dev/urandom | base64)");
        foreach (var (id, key) in Keys)
        {
            if (!KeyRing.IsValidKeyId(id)) yield return SettingName.Problem($"Crypto:Keys:{id}", "a key id is 1-32 letters, digits, '-' or '_'");
            if (!IsKey(key)) yield return SettingName.Problem($"Crypto:Keys:{id}", "must be base64 of exactly 32 random bytes");
        }
        if (string.IsNullOrWhiteSpace(ActiveKeyId)) yield return SettingName.Problem("Crypto:ActiveKeyId", "required: the id of the key new values are encrypted with");
        else if (!Keys.ContainsKey(ActiveKeyId)) yield return SettingName.Problem("Crypto:ActiveKeyId", $"no key with id '{ActiveKeyId}' is configured under Crypto:Keys");
    }

    private static bool IsKey(string value)
    {
        Span<byte> buffer = stackalloc byte[48];
        return Convert.TryFromBase64String(value, buffer, out var written) && written == 32;
    }
}
