using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Outbox;

/// <summary>How the worker drains the outbox: how often it looks, how much it takes at once, and when it gives up on an item.</summary>
public sealed class OutboxOptions : Settings
{
    public const string Section = "Outbox";

    public int PollIntervalMs { get; set; } = 200;
    public int BatchSize { get; set; } = 50;
    public int MaxAttempts { get; set; } = 15;

    /// <summary>The first retry's delay; each later one doubles it, up to an hour.</summary>
    public double RetryBaseSeconds { get; set; } = 5;

    /// <summary>How long a claimed item stays invisible to other workers; a worker that dies frees it after this.</summary>
    public int LockSeconds { get; set; } = 120;

    protected override IEnumerable<string> Check()
    {
        if (PollIntervalMs is < 10 or > 60_000) yield return SettingName.Problem("Outbox:PollIntervalMs", "must be between 10 and 60000");
        if (BatchSize is < 1 or > 1000) yield return SettingName.Problem("Outbox:BatchSize", "must be between 1 and 1000");
        if (MaxAttempts is < 1 or > 100) yield return SettingName.Problem("Outbox:MaxAttempts", "must be between 1 and 100");
        if (RetryBaseSeconds is < 0.01 or > 600) yield return SettingName.Problem("Outbox:RetryBaseSeconds", "must be between 0.01 and 600");
        if (LockSeconds is < 10 or > 3600) yield return SettingName.Problem("Outbox:LockSeconds", "must be between 10 and 3600");
    }
}
