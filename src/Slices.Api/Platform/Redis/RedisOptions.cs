using Slices.Api.Platform.Config;
using StackExchange.Redis;

namespace Slices.Api.Platform.Redis;

public sealed class RedisOptions : Settings
{
    public const string Section = "Redis";

    public string? Url { get; set; }
    public int ConnectTimeoutMs { get; set; } = 5000;
    public int SyncTimeoutMs { get; set; } = 1000;

    public static void ApplyAliases(RedisOptions options, IConfiguration config) => options.Url = config["REDIS_URL"] ?? options.Url;

    public ConfigurationOptions Connection()
    {
        RedisUrl.TryParse(Url, out var options);
        // Start-up must not fail while Redis is briefly away: the multiplexer keeps reconnecting in the background.
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = ConnectTimeoutMs;
        options.SyncTimeout = SyncTimeoutMs;
        options.AsyncTimeout = SyncTimeoutMs;
        options.ClientName ??= "slices-api";
        return options;
    }

    protected override IEnumerable<string> Check()
    {
        if (string.IsNullOrWhiteSpace(Url)) yield return SettingName.Problem("REDIS_URL", "Redis:Url", "required (redis://host:port, rediss://... or a StackExchange.Redis configuration string)");
        else if (!RedisUrl.TryParse(Url, out _)) yield return SettingName.Problem("REDIS_URL", "Redis:Url", "not a valid redis:// or rediss:// URL or StackExchange.Redis configuration string");
        if (ConnectTimeoutMs is < 100 or > 60_000) yield return SettingName.Problem("Redis:ConnectTimeoutMs", "must be between 100 and 60000");
        if (SyncTimeoutMs is < 10 or > 60_000) yield return SettingName.Problem("Redis:SyncTimeoutMs", "must be between 10 and 60000");
    }
}
