using Hangfire;
using Hangfire.Common;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// In a process that runs background work: schedules the recurring jobs (idempotent, so every worker may do it) and
/// runs a Hangfire server on the queues in priority order. On shutdown, running jobs get their cancellation token and
/// the server's grace period; a job cut short is picked up again by another worker once its heartbeat lapses.
/// </summary>
public sealed class JobServerHost(
    ProcessOptions process, JobsOptions options, JobStorage storage, IJobFilterProvider filters, JobActivator activator,
    IRecurringJobManager recurring, IEnumerable<RecurringSchedule> schedules, ILoggerFactory loggers, ILogger<JobServerHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private BackgroundJobServer? _server;
    private Task _scheduling = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!process.RunsBackgroundWork) return Task.CompletedTask;
        HangfireLogs.Attach(loggers);
        var serverOptions = new BackgroundJobServerOptions
        {
            ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}",
            WorkerCount = options.Workers,
            Queues = JobQueues.InPriorityOrder,
            SchedulePollingInterval = TimeSpan.FromMilliseconds(options.SchedulePollingMs),
            ShutdownTimeout = TimeSpan.FromSeconds(15),
        };
        // The one constructor that takes this app's filters and activator instead of Hangfire's process-wide ones.
#pragma warning disable CS0618
        _server = new BackgroundJobServer(serverOptions, storage, [], filters, activator, null, null, null);
#pragma warning restore CS0618
        logger.LogInformation("Job server {Server} started: {Workers} workers on {Queues}", serverOptions.ServerName, options.Workers, string.Join(", ", JobQueues.InPriorityOrder));
        // The database may be down or not migrated yet: the process serves (health says so) and schedules once it can.
        if (!TrySchedule(out var problem))
        {
            logger.LogWarning("Recurring jobs not scheduled yet, retrying every 5 s: {Error}", problem);
            _scheduling = Task.Run(() => ScheduleRecurringJobsAsync(_stopping.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    private bool TrySchedule(out string? problem)
    {
        try
        {
            foreach (var schedule in schedules)
            {
                var cron = options.Schedules.GetValueOrDefault(schedule.Id, schedule.Cron);
                if (cron == "off") recurring.RemoveIfExists(schedule.Id);
                else schedule.Schedule(recurring, cron);
            }
            problem = null;
            return true;
        }
        catch (Exception e)
        {
            problem = e.GetType().Name;
            return false;
        }
    }

    private async Task ScheduleRecurringJobsAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (TrySchedule(out _)) return;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _scheduling;
        if (_server is null) return;
        _server.SendStop();
        await _server.WaitForShutdownAsync(cancellationToken);
        HangfireLogs.Detach(loggers);
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        _server = null;
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }
}
