using System.Security.Cryptography;
using System.Text;

namespace Slices.Api.Platform.Crypto;

/// <summary>Where an encrypted value lives. It is the associated data, so a value copied to another row or column does not decrypt.</summary>
public readonly record struct CipherContext(string Table, string Column, Guid RowId, Guid PracticeId)
{
    public byte[] ToBytes() => Encoding.UTF8.GetBytes($"{Table}\n{Column}\n{RowId:N}\n{PracticeId:N}");
}

public sealed class KeyRingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// AES-256-GCM for sensitive columns: a fresh 96-bit nonce per value, stored as v1:&lt;keyId&gt;:&lt;base64(nonce|ciphertext|tag)&gt;.
/// New values use the active key; values under an older key still decrypt while that key is configured, so keys rotate
/// without downtime and a re-encryption job moves old values over.
/// </summary>
public sealed class KeyRing
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;

    public KeyRing(CryptoOptions options)
    {
        _keys = options.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value), StringComparer.Ordinal);
        ActiveKeyId = options.ActiveKeyId!;
    }

    public string ActiveKeyId { get; }

    public static bool IsValidKeyId(string id) => id.Length is > 0 and <= 32 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public string Encrypt(string plaintext, CipherContext context)
    {
        var input = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + input.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[ActiveKeyId], TagSize);
        aes.Encrypt(nonce, input, output.AsSpan(NonceSize, input.Length), output.AsSpan(NonceSize + input.Length), context.ToBytes());
        return $"v1:{ActiveKeyId}:{Convert.ToBase64String(output)}";
    }

    public string Decrypt(string stored, CipherContext context)
    {
        var parts = stored.Split(':', 3);
        if (parts is not ["v1", var keyId, var payload]) throw new KeyRingException("not a v1 key-ring value");
        if (!_keys.TryGetValue(keyId, out var key)) throw new KeyRingException($"key id '{keyId}' is not configured: add it back under Crypto:Keys to read this value");
        var bytes = Convert.FromBase64String(payload);
        if (bytes.Length < NonceSize + TagSize) throw new KeyRingException("the value is truncated");
        var plaintext = new byte[bytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize, plaintext.Length), bytes.AsSpan(NonceSize + plaintext.Length), plaintext, context.ToBytes());
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new KeyRingException("the value does not belong to this row, or it was altered", e);
        }
        return Encoding.UTF8.GetString(plaintext);
    }

    /// <summary>The key id a stored value was encrypted with, for rotation reports and re-encryption.</summary>
    public static string? KeyIdOf(string stored) => stored.Split(':', 3) is ["v1", var keyId, _] ? keyId : null;
}
