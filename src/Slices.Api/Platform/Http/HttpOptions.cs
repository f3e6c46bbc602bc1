using System.Net;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

/// <summary>The listening port, what a request may weigh and how long it may take, and which proxies are believed.</summary>
public sealed class HttpOptions : Settings
{
    public const string Section = "Http";
    public const int DefaultPort = 8080;

    public string? Port { get; set; }
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;
    public int MaxJsonDepth { get; set; } = 32;
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>Proxies (IP addresses or CIDR networks) whose X-Forwarded-For and X-Forwarded-Proto are believed; nobody else's are.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    public static void ApplyAliases(HttpOptions options, IConfiguration config) => options.Port = config["PORT"] ?? options.Port;

    public static bool TryParsePort(string? value, out int port) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;

    protected override IEnumerable<string> Check()
    {
        if (Port is not null && !TryParsePort(Port, out _)) yield return SettingName.Problem("PORT", "Http:Port", "must be a port number from 1 to 65535");
        if (MaxRequestBodyBytes is < 1024 or > 100 * 1024 * 1024) yield return SettingName.Problem("Http:MaxRequestBodyBytes", "must be between 1024 and 104857600");
        if (MaxRequestHeadersBytes is < 4096 or > 1024 * 1024) yield return SettingName.Problem("Http:MaxRequestHeadersBytes", "must be between 4096 and 1048576");
        if (MaxJsonDepth is < 4 or > 256) yield return SettingName.Problem("Http:MaxJsonDepth", "must be between 4 and 256");
        if (RequestTimeoutSeconds is < 1 or > 600) yield return SettingName.Problem("Http:RequestTimeoutSeconds", "must be between 1 and 600");
        foreach (var proxy in TrustedProxies.Where(p => !IPAddress.TryParse(p, out _) && !IPNetwork.TryParse(p, out _)))
            yield return SettingName.Problem("Http:TrustedProxies", $"'{proxy}' is not an IP address or CIDR network");
    }
}
