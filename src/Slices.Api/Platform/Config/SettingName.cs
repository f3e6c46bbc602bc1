namespace Slices.Api.Platform.Config;

/// <summary>How a setting is named to the operator: the environment variable to set, then the configuration key.</summary>
public static class SettingName
{
    public static string Of(string key) => $"{key.Replace(":", "__", StringComparison.Ordinal)} ({key})";

    public static string Problem(string key, string problem) => $"{Of(key)}: {problem}";

    public static string Problem(string alias, string key, string problem) => $"{alias} (or {key}): {problem}";
}
