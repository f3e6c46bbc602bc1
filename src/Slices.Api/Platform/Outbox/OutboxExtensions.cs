using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Outbox;

public static class OutboxExtensions
{
    public static void AddOutbox(this WebApplicationBuilder builder)
    {
        builder.AddSettings<ProcessOptions>(ProcessOptions.Section, ProcessOptions.ApplyAliases);
        builder.AddSettings<OutboxOptions>(OutboxOptions.Section);
        builder.Services.AddSingleton<OutboxStore>();
        builder.Services.AddBackgroundWork<OutboxWorker>();
    }

    /// <summary>A background service that runs only in a process whose role runs background work.</summary>
    public static void AddBackgroundWork<T>(this IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(sp => new BackgroundRole<T>(sp.GetRequiredService<ProcessOptions>(), sp.GetRequiredService<T>()));
    }

    // Generic so each service gets its own registration: hosted services are registered once per implementation type.
    private sealed class BackgroundRole<T>(ProcessOptions process, T worker) : IHostedService where T : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => process.RunsBackgroundWork ? worker.StartAsync(cancellationToken) : Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => process.RunsBackgroundWork ? worker.StopAsync(cancellationToken) : Task.CompletedTask;
    }
}
