using StackExchange.Redis;

namespace Slices.Api.Platform.Redis;

/// <summary>Accepts redis://, rediss:// (TLS) URLs or a StackExchange.Redis configuration string.</summary>
public static class RedisUrl
{
    public static bool TryParse(string? value, out ConfigurationOptions options)
    {
        options = new ConfigurationOptions();
        if (string.IsNullOrWhiteSpace(value)) return false;
        try
        {
            options = value.Contains("://", StringComparison.Ordinal) ? FromUrl(new Uri(value)) : ConfigurationOptions.Parse(value);
            return options.EndPoints.Count > 0;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static ConfigurationOptions FromUrl(Uri uri)
    {
        if (uri.Scheme is not ("redis" or "rediss")) throw new FormatException($"unsupported scheme {uri.Scheme}");
        var options = new ConfigurationOptions { Ssl = uri.Scheme == "rediss" };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port <= 0 ? 6379 : uri.Port);
        var userInfo = uri.UserInfo.Split(':', 2);
        if (userInfo.Length == 2)
        {
            if (userInfo[0].Length > 0) options.User = Uri.UnescapeDataString(userInfo[0]);
            options.Password = Uri.UnescapeDataString(userInfo[1]);
        }
        else if (userInfo[0].Length > 0)
        {
            options.Password = Uri.UnescapeDataString(userInfo[0]);
        }
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0) options.DefaultDatabase = int.Parse(path, System.Globalization.CultureInfo.InvariantCulture);
        return options;
    }
}
