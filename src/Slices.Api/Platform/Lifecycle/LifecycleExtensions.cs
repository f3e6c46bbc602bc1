using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Lifecycle;

public static class LifecycleExtensions
{
    public static void AddLifecycle(this WebApplicationBuilder builder)
    {
        builder.AddSettings<ShutdownOptions>(ShutdownOptions.Section);
        builder.Services.AddSingleton<ShutdownState>();
        builder.Services.AddHostedService<GracefulShutdown>();

        // Read raw rather than through the validated options: the host reads this before validation reports
        // every problem at once, and an invalid value is reported there.
        builder.Services.AddOptions<HostOptions>().Configure<IConfiguration>((host, config) =>
        {
            var shutdown = new ShutdownOptions();
            try
            {
                config.GetSection(ShutdownOptions.Section).Bind(shutdown);
            }
            catch (InvalidOperationException)
            {
                shutdown = new ShutdownOptions();
            }
            host.ShutdownTimeout = shutdown.Total + TimeSpan.FromSeconds(5);
        });
    }
}
