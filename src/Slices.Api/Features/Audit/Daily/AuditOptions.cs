using Slices.Api.Platform.Config;

namespace Slices.Api.Features.Audit.Daily;

public sealed class AuditOptions : Settings
{
    public const string Section = "Audit";

    /// <summary>How old a log row must be before the daily counts take it (longer than any transaction runs).</summary>
    public int AggregationSettleSeconds { get; set; } = 300;

    /// <summary>How often a background worker files the access log's pending index entries; 0 leaves it to vacuum.</summary>
    public int IndexFilingSeconds { get; set; } = 5;

    protected override IEnumerable<string> Check()
    {
        if (AggregationSettleSeconds is < 0 or > 86_400) yield return SettingName.Problem("Audit:AggregationSettleSeconds", "must be between 0 and 86400");
        if (IndexFilingSeconds is < 0 or > 3_600) yield return SettingName.Problem("Audit:IndexFilingSeconds", "must be between 0 and 3600");
    }
}
