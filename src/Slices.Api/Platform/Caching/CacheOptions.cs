using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Caching;

/// <summary>The two-level cache: whether it is on, how long each area keeps an entry, and how long a read waits for Redis.</summary>
public sealed class CacheOptions : Settings
{
    public const string Section = "Cache";

    public bool Enabled { get; set; } = true;

    /// <summary>How long Redis keeps a session's state (revocation deletes it at once; the database is the truth).</summary>
    public int SessionsSeconds { get; set; } = 3600;

    public int PatientsSeconds { get; set; } = 300;
    public int CalendarSeconds { get; set; } = 60;
    public int ResponsesSeconds { get; set; } = 60;

    /// <summary>How long a read waits for Redis before it reads the database instead (Redis down or slow).</summary>
    public int RedisTimeoutMs { get; set; } = 100;

    /// <summary>Entries each process keeps in memory (the first level), across all areas.</summary>
    public int LocalMaxEntries { get; set; } = 100_000;

    protected override IEnumerable<string> Check()
    {
        foreach (var (name, seconds) in new[] { ("SessionsSeconds", SessionsSeconds), ("PatientsSeconds", PatientsSeconds), ("CalendarSeconds", CalendarSeconds), ("ResponsesSeconds", ResponsesSeconds) })
            if (seconds is < 1 or > 86_400) yield return SettingName.Problem($"Cache:{name}", "must be between 1 and 86400");
        if (RedisTimeoutMs is < 5 or > 5000) yield return SettingName.Problem("Cache:RedisTimeoutMs", "must be between 5 and 5000");
        if (LocalMaxEntries is < 100 or > 10_000_000) yield return SettingName.Problem("Cache:LocalMaxEntries", "must be between 100 and 10000000");
    }
}
