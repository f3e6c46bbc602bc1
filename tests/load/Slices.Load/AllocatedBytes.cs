using System.Globalization;

namespace Slices.Load;

/// <summary>
/// Bytes a .NET server has allocated since it started, read from a URL: the API's Prometheus /metrics (the runtime's
/// dotnet_gc_heap_total_allocated_bytes_total, with --metrics-token as the bearer) or the baseline's /allocated (the
/// number alone). Divided by a run's
/// requests, it changes only when the code does, where throughput and CPU on a shared host swing by a tenth between
/// runs of the same build. Null when the server does not answer it.
/// </summary>
public sealed class AllocatedBytes(HttpClient http, Uri url)
{
    private const string Metric = "dotnet_gc_heap_total_allocated_bytes_total";

    public static AllocatedBytes? From(IReadOnlyDictionary<string, string> options, string name)
    {
        if (!options.TryGetValue(name, out var url)) return null;
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (options.TryGetValue("metrics-token", out var token)) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return new AllocatedBytes(http, new Uri(url));
    }

    public async Task<double?> ReadAsync()
    {
        try
        {
            var body = await http.GetStringAsync(url);
            if (double.TryParse(body.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes)) return bytes;
            foreach (var line in body.Split('\n'))
            {
                // name{labels} value [timestamp]
                if (!line.StartsWith(Metric, StringComparison.Ordinal) || line.Length == Metric.Length || line[Metric.Length] is not (' ' or '{')) continue;
                var rest = line[Metric.Length] == '{' ? line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..] : line[Metric.Length..];
                var value = rest.Trim().Split(' ')[0];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out bytes)) return bytes;
            }
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
