using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Outbox;

public static class OutboxExtensions
{
    public static void AddOutbox(this WebApplicationBuilder builder)
    {
        builder.AddSettings<ProcessOptions>(ProcessOptions.Section, ProcessOptions.ApplyAliases);
        builder.AddSettings<OutboxOptions>(OutboxOptions.Section);
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddSingleton<OutboxWorker>();
        builder.Services.AddHostedService(sp => new BackgroundRole(sp.GetRequiredService<ProcessOptions>(), sp.GetRequiredService<OutboxWorker>()));
    }

    /// <summary>Starts the worker only in a process whose role runs background work.</summary>
    private sealed class BackgroundRole(ProcessOptions process, OutboxWorker worker) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => process.RunsBackgroundWork ? worker.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => process.RunsBackgroundWork ? worker.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
