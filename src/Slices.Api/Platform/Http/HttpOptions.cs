using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

public sealed class HttpOptions : Settings
{
    public const string Section = "Http";
    public const int DefaultPort = 8080;

    public string? Port { get; set; }
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public static void ApplyAliases(HttpOptions options, IConfiguration config) => options.Port = config["PORT"] ?? options.Port;

    public static bool TryParsePort(string? value, out int port) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and < 65536;

    protected override IEnumerable<string> Check()
    {
        if (Port is not null && !TryParsePort(Port, out _)) yield return SettingName.Problem("PORT", "Http:Port", "must be a port number from 1 to 65535");
        if (MaxRequestBodyBytes is < 1024 or > 100 * 1024 * 1024) yield return SettingName.Problem("Http:MaxRequestBodyBytes", "must be between 1024 and 104857600");
    }
}
