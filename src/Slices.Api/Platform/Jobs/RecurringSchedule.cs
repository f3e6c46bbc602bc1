using System.Text.RegularExpressions;
using Hangfire;

namespace Slices.Api.Platform.Jobs;

/// <summary>Work that runs on a schedule; Hangfire starts each occurrence once across the fleet.</summary>
public interface IRecurringJob
{
    Task RunAsync(CancellationToken ct);
}

/// <summary>A recurring job as registered by its feature: id, queue, default cron (UTC), and how to (re)schedule it.</summary>
public sealed partial record RecurringSchedule(string Id, string Queue, string Cron, Action<IRecurringJobManager, string> Schedule)
{
    public static RecurringSchedule For<TJob>(string id, string queue, string cron) where TJob : IRecurringJob =>
        new(id, queue, cron, (manager, c) => manager.AddOrUpdate<TJob>(id, queue, job => job.RunAsync(CancellationToken.None), c));

    public static bool IsValidCron(string cron) => CronShape().IsMatch(cron);

    [GeneratedRegex(@"^\s*[0-9*/,\-A-Za-z?LW#]+(\s+[0-9*/,\-A-Za-z?LW#]+){4,5}\s*$")]
    private static partial Regex CronShape();
}

public static class RecurringScheduleExtensions
{
    /// <summary>Registers a recurring job; <c>Jobs:Schedules:{id}</c> overrides its cron, "off" removes it.</summary>
    public static void AddRecurringJob<TJob>(this IServiceCollection services, string id, string queue, string cron) where TJob : class, IRecurringJob
    {
        services.AddTransient<TJob>();
        services.AddSingleton(RecurringSchedule.For<TJob>(id, queue, cron));
    }
}
