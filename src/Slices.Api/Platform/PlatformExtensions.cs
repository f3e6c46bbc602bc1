using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Email;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Health;
using Slices.Api.Platform.Http;
using Slices.Api.Platform.Idempotency;
using Slices.Api.Platform.Jobs;
using Slices.Api.Platform.Lifecycle;
using Slices.Api.Platform.Observability;
using Slices.Api.Platform.Outbox;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Redis;
using Slices.Api.Platform.RequestIds;

namespace Slices.Api.Platform;

public static class PlatformExtensions
{
    public static void AddPlatform(this WebApplicationBuilder builder)
    {
        builder.AddSecretFiles();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddLogging();
        builder.AddTelemetry();
        builder.AddSentryWhenConfigured();
        builder.AddHttp();
        builder.AddErrors();
        builder.AddDatabase();
        builder.AddRedis();
        builder.AddCaching();
        builder.AddHealth();
        builder.AddCrypto();
        builder.AddAuth();
        builder.Services.AddSingleton<IdempotentCreate>();
        builder.AddLifecycle();
        builder.AddRateLimits();
        builder.AddOutbox();
        builder.AddJobs();
        builder.AddEmail();
        builder.AddApi();
        if (builder.Environment.IsDevelopment()) builder.Services.AddHostedService<Development.DemoData>();
    }

    /// <summary>The request pipeline, outermost first (DESIGN.md, "Request pipeline").</summary>
    private static void UsePlatform(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseRequestIds();
        app.UseMiddleware<ResponseTimingMiddleware>();
        app.UseRequestLogging();
        app.Use((context, next) => ServerErrors.ReportAsync(context, () => next(context)));
        app.UseSecurityHeaders();
        app.UseErrors();
        app.UseMetricsEndpoint();
        app.UseHttpLimits();
        app.UseRouting();
        app.UseRouteCapture();
        app.UseCrossOriginAndTimeouts();
        app.UseAuth();
        app.UseJobsDashboard();
        app.UseApi();
    }

    /// <summary>
    /// Validates every setting (before anything resolves one, so the operator sees every problem at once),
    /// builds the pipeline, applies migrations when configured to, then serves until SIGTERM/SIGINT.
    /// <c>migrate</c> as the only argument applies migrations and exits (the pre-deploy job).
    /// </summary>
    public static async Task<int> RunPlatformAsync(this WebApplication app, string[] args)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slices.Startup");
        try
        {
            if (args is ["migrate"])
            {
                await Migrator.ApplyAsync(app.Services.GetRequiredService<DatabaseOptions>(), logger, CancellationToken.None);
                return 0;
            }

            app.Services.ValidateAllSettings();
            app.UsePlatform();
            var database = app.Services.GetRequiredService<DatabaseOptions>();
            if (database.MigrateOnStart) await Migrator.ApplyAsync(database, logger, app.Lifetime.ApplicationStopping);
            if (!await app.Services.GetRequiredService<HealthProbe>().DatabaseRoleIsSafeAsync(app.Lifetime.ApplicationStopping))
            {
                logger.LogCritical("{Problem}", RoleSafety.Problem);
                return 3;
            }

            await app.StartAsync();
            logger.LogInformation("Slices is listening on {Urls} ({Environment})", string.Join(", ", app.Urls), app.Environment.EnvironmentName);
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception e) when (StartupFailure.TryDescribe(e, out var message))
        {
            await Console.Error.WriteLineAsync(message);
            return 2;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogCritical(e, "Slices failed to start");
            return 1;
        }
    }
}
