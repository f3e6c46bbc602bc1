using System.Net;
using System.Net.Sockets;

namespace Slices.Api.Features.Webhooks;

/// <summary>
/// Keeps deliveries away from the inside of the network (SSRF): a URL must be absolute http(s) (https only where
/// required), and every address its host resolves to must be public: never loopback (unless allowed, for tests),
/// private, carrier-grade NAT, link-local (cloud metadata lives there), multicast or unspecified. Checked when an
/// endpoint is saved and again at every connection, on the very address connected to, so a DNS change cannot slip by.
/// </summary>
public sealed class WebhookUrlGuard(WebhookOptions options)
{
    /// <summary>Null when the URL may receive webhooks; otherwise why not.</summary>
    public string? ProblemWithShape(Uri url)
    {
        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")) return "must be an absolute https URL";
        if (options.RequireHttps && url.Scheme != "https") return "must use https";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "must not carry a user name or password";
        return null;
    }

    public async Task<string?> ProblemAsync(Uri url, CancellationToken ct)
    {
        if (ProblemWithShape(url) is { } shape) return shape;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return "its host name does not resolve";
        }
        if (addresses.Length == 0) return "its host name does not resolve";
        return addresses.Any(a => !IsAllowed(a)) ? "resolves to a loopback, private, link-local or otherwise internal address" : null;
    }

    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return options.AllowLoopback;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.None)) return false;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (b[0] & 0xFE) == 0xFC); // fc00::/7 unique local
        }
        var v4 = address.GetAddressBytes();
        return v4[0] switch
        {
            0 or 10 or 127 => false,
            100 when v4[1] is >= 64 and <= 127 => false, // carrier-grade NAT
            169 when v4[1] == 254 => false,             // link-local, cloud metadata (169.254.169.254)
            172 when v4[1] is >= 16 and <= 31 => false,
            192 when v4[1] == 168 => false,
            192 when v4[1] == 0 && v4[2] == 0 => false,
            198 when v4[1] is 18 or 19 => false,         // benchmarking networks
            >= 224 => false,                             // multicast and reserved
            _ => true,
        };
    }

    /// <summary>The connect step of the delivery client: resolves, refuses internal addresses, connects to an allowed one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(IsAllowed).ToList();
        if (allowed.Count == 0 || allowed.Count != addresses.Length)
            throw new HttpRequestException($"refused: {host} resolves to an internal address");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
