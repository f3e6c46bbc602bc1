using System.Globalization;
using System.Text.Json;

namespace Slices.Load;

/// <summary>One table on the console and, when asked, the same figures as JSON.</summary>
public static class Report
{
    public static void Print(IReadOnlyList<Tally> tallies, double seconds)
    {
        Console.WriteLine($"{"client",-14} {"requests",9} {"req/s",8} {"2xx",8} {"429",8} {"other",6} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
        foreach (var t in tallies)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{t.Client,-14} {t.Total,9} {t.Total / seconds,8:F1} {t.Succeeded,8} {t.Limited,8} {t.Failed,6} {t.Percentile(50),8:F2} {t.Percentile(95),8:F2} {t.Percentile(99),8:F2}"));
        }
    }

    public static async Task WriteJsonAsync(string? path, object summary)
    {
        if (path is null) return;
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.WriteLine($"report written to {path}");
    }

    public static object Figures(Tally t, double seconds) => new
    {
        t.Client,
        Requests = t.Total,
        PerSecond = Math.Round(t.Total / seconds, 1),
        t.Succeeded,
        t.Limited,
        Other = t.Failed,
        P50Ms = Math.Round(t.Percentile(50), 2),
        P95Ms = Math.Round(t.Percentile(95), 2),
        P99Ms = Math.Round(t.Percentile(99), 2),
    };
}
