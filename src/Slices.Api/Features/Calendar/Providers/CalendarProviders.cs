namespace Slices.Api.Features.Calendar.Providers;

/// <summary>The providers by name: "google" and "microsoft".</summary>
public sealed class CalendarProviders(GoogleCalendar google, MicrosoftCalendar microsoft)
{
    public static readonly IReadOnlyList<string> Names = [GoogleCalendar.ProviderName, MicrosoftCalendar.ProviderName];

    public CalendarProvider this[string name] => name switch
    {
        GoogleCalendar.ProviderName => google,
        MicrosoftCalendar.ProviderName => microsoft,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown calendar provider"),
    };

    public IEnumerable<CalendarProvider> All => [google, microsoft];
}
