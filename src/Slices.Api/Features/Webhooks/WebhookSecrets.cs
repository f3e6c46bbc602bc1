using System.Security.Cryptography;
using System.Text;

namespace Slices.Api.Features.Webhooks;

/// <summary>Standard Webhooks secrets and signatures: whsec_ + base64 key; v1,base64(HMAC-SHA256(key, "id.timestamp.body")).</summary>
public static class WebhookSecrets
{
    private const string Prefix = "whsec_";

    public static string Create() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The webhook-signature header: one "v1,..." per active secret, separated by spaces.</summary>
    public static string Sign(IEnumerable<string> secrets, string messageId, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return string.Join(' ', secrets.Select(s => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(s[Prefix.Length..]), content))));
    }
}
