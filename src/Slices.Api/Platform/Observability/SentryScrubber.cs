using System.Text.RegularExpressions;
using Sentry;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// The last stop before an event leaves for Sentry (outside the practice's records): no request body, query string,
/// cookies or credentials headers, no user but an id, no exception data (PostgreSQL puts row values there), and
/// emails, phone numbers and dates masked in every message.
/// </summary>
public static partial class SentryScrubber
{
    private static readonly HashSet<string> SafeHeaders = new(StringComparer.OrdinalIgnoreCase) { "User-Agent", "Content-Type", "Accept", "X-Request-ID", "Content-Length" };

    public static SentryEvent Scrub(SentryEvent e, SentryHint _)
    {
        ScrubRequest(e.Request);
        if (e.User is { } user) e.User = new SentryUser { Id = user.Id };
        foreach (var exception in e.SentryExceptions ?? [])
        {
            exception.Value = Mask(exception.Value);
            exception.Mechanism?.Data.Clear();
        }
        if (e.Message is { } message)
        {
            message.Message = Mask(message.Message);
            message.Formatted = Mask(message.Formatted);
        }
        return e;
    }

    /// <summary>Performance traces carry the request too.</summary>
    public static SentryTransaction ScrubTransaction(SentryTransaction t, SentryHint _)
    {
        ScrubRequest(t.Request);
        if (t.User is { } user) t.User = new SentryUser { Id = user.Id };
        return t;
    }

    private static void ScrubRequest(SentryRequest? request)
    {
        if (request is null) return;
        request.Data = null;
        request.QueryString = null;
        request.Cookies = null;
        request.Env.Clear();
        foreach (var name in request.Headers.Keys.Where(h => !SafeHeaders.Contains(h)).ToList()) request.Headers.Remove(name);
        if (request.Url is { } url) request.Url = url.Split('?')[0];
    }

    public static Breadcrumb? ScrubBreadcrumb(Breadcrumb crumb, SentryHint _) =>
        new(Mask(crumb.Message) ?? "", crumb.Type ?? "default", null, crumb.Category, crumb.Level);

    public static string? Mask(string? text) =>
        text is null ? null : Phones().Replace(Dates().Replace(Emails().Replace(text, "[email]"), "[date]"), "[phone]");

    [GeneratedRegex(@"[^\s@'""(),;:<>]+@[^\s@'""(),;:<>]+\.[A-Za-z]{2,}")]
    private static partial Regex Emails();

    [GeneratedRegex(@"\+?\d[\d\s().-]{6,}\d")]
    private static partial Regex Phones();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex Dates();
}
