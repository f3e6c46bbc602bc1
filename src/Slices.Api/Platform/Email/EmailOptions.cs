using System.Net;
using MimeKit;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Email;

/// <summary>The SMTP relay notifications go through. With no host set, no email is sent (and none is queued).</summary>
public sealed class EmailOptions : Settings
{
    public const string Section = "Email";
    private static readonly string[] SecurityModes = ["starttls", "tls", "none"];

    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;

    /// <summary>starttls (upgrade on the submission port), tls (implicit, port 465), or none (loopback relays only).</summary>
    public string Security { get; set; } = "starttls";

    public string? Username { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "Slices <no-reply@slices.example>";
    public int TimeoutSeconds { get; set; } = 30;

    public bool Enabled => !string.IsNullOrWhiteSpace(SmtpHost);

    protected override IEnumerable<string> Check()
    {
        if (!Enabled) yield break;
        if (SmtpPort is < 1 or > 65535) yield return SettingName.Problem("Email:SmtpPort", "must be between 1 and 65535");
        if (!SecurityModes.Contains(Security)) yield return SettingName.Problem("Email:Security", "must be starttls, tls or none");
        else if (Security == "none" && !IsLoopback(SmtpHost!))
            yield return SettingName.Problem("Email:Security", "none is allowed only for a relay on loopback: patients' addresses must not cross the network in clear text");
        if (!MailboxAddress.TryParse(From, out _)) yield return SettingName.Problem("Email:From", "must be an address such as \"Clinic <no-reply@clinic.example>\"");
        if (string.IsNullOrEmpty(Username) != string.IsNullOrEmpty(Password)) yield return SettingName.Problem("Email:Password", "set both Email:Username and Email:Password, or neither");
        if (TimeoutSeconds is < 1 or > 300) yield return SettingName.Problem("Email:TimeoutSeconds", "must be between 1 and 300");
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
}
