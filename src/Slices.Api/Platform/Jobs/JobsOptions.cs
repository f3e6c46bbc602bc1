using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Jobs;

/// <summary>How a worker process runs background jobs (Hangfire on PostgreSQL, schema <c>hangfire</c>).</summary>
public sealed class JobsOptions : Settings
{
    public const string Section = "Jobs";

    /// <summary>Jobs one worker process runs at once, across its queues.</summary>
    public int Workers { get; set; } = 10;

    /// <summary>How often an idle worker looks for new jobs; new jobs also wake it at once (LISTEN/NOTIFY).</summary>
    public int PollIntervalMs { get; set; } = 1000;

    /// <summary>How often delayed jobs, retries and recurring schedules are checked for being due.</summary>
    public int SchedulePollingMs { get; set; } = 5000;

    /// <summary>
    /// A job whose worker died goes back to its queue after this long. A running job's worker keeps extending it, so
    /// it bounds how late a job is after a crash, not how long a job may run.
    /// </summary>
    public int InvisibilitySeconds { get; set; } = 60;

    /// <summary>Attempts after the first before a job is parked as failed (an operator can requeue it from /jobs).</summary>
    public int RetryAttempts { get; set; } = 10;

    /// <summary>The first retry's delay; each later one doubles it, up to <see cref="RetryMaxDelaySeconds"/>.</summary>
    public int RetryBaseSeconds { get; set; } = 10;

    public int RetryMaxDelaySeconds { get; set; } = 3600;

    /// <summary>Cron overrides per recurring job id (UTC), e.g. <c>Jobs:Schedules:calendar-sync</c>; "off" removes the job.</summary>
    public Dictionary<string, string> Schedules { get; set; } = new(StringComparer.Ordinal);

    protected override IEnumerable<string> Check()
    {
        if (Workers is < 1 or > 200) yield return SettingName.Problem("Jobs:Workers", "must be between 1 and 200");
        if (PollIntervalMs is < 10 or > 60_000) yield return SettingName.Problem("Jobs:PollIntervalMs", "must be between 10 and 60000");
        if (SchedulePollingMs is < 100 or > 60_000) yield return SettingName.Problem("Jobs:SchedulePollingMs", "must be between 100 and 60000");
        if (InvisibilitySeconds is < 2 or > 86_400) yield return SettingName.Problem("Jobs:InvisibilitySeconds", "must be between 2 and 86400");
        if (RetryAttempts is < 0 or > 100) yield return SettingName.Problem("Jobs:RetryAttempts", "must be between 0 and 100");
        if (RetryBaseSeconds is < 1 or > 3600) yield return SettingName.Problem("Jobs:RetryBaseSeconds", "must be between 1 and 3600");
        if (RetryMaxDelaySeconds < RetryBaseSeconds || RetryMaxDelaySeconds > 86_400)
            yield return SettingName.Problem("Jobs:RetryMaxDelaySeconds", "must be between Jobs:RetryBaseSeconds and 86400");
        foreach (var (id, cron) in Schedules)
            if (cron != "off" && !RecurringSchedule.IsValidCron(cron))
                yield return SettingName.Problem($"Jobs:Schedules:{id}", "must be a cron expression (5 or 6 fields, UTC) or \"off\"");
    }
}
