using System.Globalization;

namespace Slices.Load;

/// <summary>The scenario name, where the API is, for how long, and any scenario-specific --name value pairs.</summary>
public sealed record RunOptions(string Scenario, Uri BaseUrl, int Seconds, string? JsonPath, IReadOnlyDictionary<string, string> Extra)
{
    public static RunOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal) || (args.Length - 1) % 2 != 0) return null;
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            pairs[args[i][2..]] = args[i + 1];
        }

        var baseUrl = pairs.Remove("base-url", out var url) ? url : Environment.GetEnvironmentVariable("BASE_URL") ?? "http://localhost:8080";
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri)) return null;
        var seconds = pairs.Remove("seconds", out var s) && int.TryParse(s, CultureInfo.InvariantCulture, out var n) ? n : 20;
        pairs.Remove("json", out var json);
        return new RunOptions(args[0], uri, seconds, json, pairs);
    }

    public int Int(string name, int fallback) =>
        Extra.TryGetValue(name, out var value) && int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : fallback;
}
