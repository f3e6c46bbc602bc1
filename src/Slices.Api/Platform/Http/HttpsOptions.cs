using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Http;

/// <summary>Whether plain HTTP is turned away (on everywhere but Development) and how long browsers remember it.</summary>
public sealed class HttpsOptions : Settings
{
    public const string Section = "Https";
    private const int OneYear = 365 * 24 * 3600;

    public bool Require { get; set; } = true;
    public int HstsMaxAgeSeconds { get; set; } = OneYear;
    public bool HstsPreload { get; set; }

    /// <summary>The public HTTPS port that redirects point at.</summary>
    public int Port { get; set; } = 443;

    protected override IEnumerable<string> Check()
    {
        if (HstsMaxAgeSeconds is < OneYear or > 2 * OneYear) yield return SettingName.Problem("Https:HstsMaxAgeSeconds", $"must be between {OneYear} (one year) and {2 * OneYear}");
        if (Port is < 1 or > 65535) yield return SettingName.Problem("Https:Port", "must be a port number from 1 to 65535");
    }
}
