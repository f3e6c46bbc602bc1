using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Slices.Api.Platform.Email;

namespace Slices.Api.Features.Notifications;

/// <summary>Renders the four appointment emails as plain text and HTML (every value HTML-encoded).</summary>
public static class AppointmentEmailTemplates
{
    public static OutgoingEmail Render(string kind, AppointmentEmailDetails d, string dedupeKey)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(d.TimeZone);
        var local = TimeZoneInfo.ConvertTime(d.StartsAt, zone);
        var when = $"{local.ToString("dddd d MMMM yyyy 'at' HH:mm", CultureInfo.InvariantCulture)} ({d.TimeZone})";
        var (subject, line) = kind switch
        {
            AppointmentEmailKinds.Confirmation => ($"Your appointment at {d.PracticeName} is booked", $"your appointment with {d.ClinicianName} is booked for {when}."),
            AppointmentEmailKinds.Rescheduled => ($"Your appointment at {d.PracticeName} has moved", $"your appointment with {d.ClinicianName} is now on {when}."),
            AppointmentEmailKinds.Reminder => ($"Reminder: your appointment at {d.PracticeName} tomorrow", $"a reminder that you see {d.ClinicianName} on {when}."),
            AppointmentEmailKinds.Cancellation => ($"Your appointment at {d.PracticeName} is cancelled", $"your appointment with {d.ClinicianName} on {when} is cancelled."),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown email kind"),
        };
        var closing = kind == AppointmentEmailKinds.Cancellation
            ? $"To book another time, contact {d.PracticeName}."
            : $"If you cannot come, please let {d.PracticeName} know.";

        var text = $"Dear {d.GivenName},\n\n{Capitalise(line)}\n\n{closing}\n\n{d.PracticeName}\n";
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family: sans-serif">
            <p>Dear {Encode(d.GivenName)},</p>
            <p>{Encode(Capitalise(line))}</p>
            <p>{Encode(closing)}</p>
            <p>{Encode(d.PracticeName)}</p>
            </body></html>
            """;
        return new OutgoingEmail(d.Email!, d.GivenName, subject, text, html, MessageId(dedupeKey, d), d.PracticeName);
    }

    /// <summary>The same email always gets the same Message-ID, so a receiver can tell a resend from a new message.</summary>
    private static string MessageId(string dedupeKey, AppointmentEmailDetails d) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{d.AppointmentId}|{dedupeKey}")))[..32]}@notifications.slices";

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    private static string Capitalise(string line) => char.ToUpperInvariant(line[0]) + line[1..];
}
