namespace Slices.Api.Platform.Caching;

/// <summary>
/// A kind of cached data: its name (in keys and metrics), how long it lives, and whether it is PHI, which leaves the
/// process only as key-ring ciphertext (Redis is outside the database's access controls).
/// </summary>
public sealed record CacheArea(string Name, Func<CacheOptions, int> Seconds, bool Phi)
{
    public static readonly CacheArea Patients = new("patients", o => o.PatientsSeconds, Phi: true);
    public static readonly CacheArea Appointments = new("appointments", o => o.PatientsSeconds, Phi: true);
    public static readonly CacheArea Calendar = new("calendar", o => o.CalendarSeconds, Phi: false);
    public static readonly CacheArea Responses = new("responses", o => o.ResponsesSeconds, Phi: false);

    public TimeSpan Ttl(CacheOptions options) => TimeSpan.FromSeconds(Seconds(options));
}

/// <summary>Where an answer came from: this process's memory, Redis, the database (miss), or the database with the cache out of reach (bypass).</summary>
public enum CacheOutcome { Memory, Redis, Miss, Bypass }
