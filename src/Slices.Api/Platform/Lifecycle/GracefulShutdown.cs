namespace Slices.Api.Platform.Lifecycle;

/// <summary>
/// On SIGTERM: readiness turns 503 at once, the listener stays open for the drain delay so requests already
/// routed here still land, then Kestrel stops accepting and waits for in-flight requests (bounded by the host's
/// shutdown timeout, which is the drain delay plus the in-flight timeout).
/// </summary>
internal sealed class GracefulShutdown(ShutdownState state, ShutdownOptions options, ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (state.IsStopping) return;
        state.BeginStopping();
        logger.LogInformation("Shutting down: readiness is now 503; draining for {DrainSeconds} s, then waiting up to {InFlightSeconds} s for in-flight requests",
            options.DrainDelaySeconds, options.InFlightTimeoutSeconds);
        await Task.Delay(TimeSpan.FromSeconds(options.DrainDelaySeconds), cancellationToken);
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Shutdown complete: in-flight requests finished; closing the database pool and Redis");
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
