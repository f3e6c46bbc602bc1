using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire on PostgreSQL. Every app builds its own storage, client and filters instead of Hangfire's process-wide
    /// GlobalConfiguration, so two instances in one process (the tests) stay apart. Every role can enqueue; only a
    /// process that runs background work starts a server (<see cref="JobServerHost"/>).
    /// </summary>
    public static void AddJobs(this WebApplicationBuilder builder)
    {
        builder.AddSettings<JobsOptions>(JobsOptions.Section);
        ConfigureSerialization();
        builder.Services.AddSingleton<JobStorage>(sp => CreateStorage(sp.GetRequiredService<DatabaseOptions>(), sp.GetRequiredService<JobsOptions>()));
        builder.Services.AddSingleton<IJobFilterProvider>(sp => CreateFilters(sp.GetRequiredService<JobsOptions>()));
        builder.Services.AddSingleton<IBackgroundJobClient>(sp => new BackgroundJobClient(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        builder.Services.AddSingleton<IRecurringJobManager>(sp => new RecurringJobManager(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<IJobFilterProvider>()));
        builder.Services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSingleton<JobBacklog>();
        builder.Services.AddHostedService<JobServerHost>();
        builder.Services.AddRecurringJob<ExpiredDataPurge>(ExpiredDataPurge.Id, JobQueues.Low, "17 * * * *");
        builder.Services.AddAntiforgery(); // the dashboard's own CSRF protection for its buttons
    }

    /// <summary>How jobs are written down (process-wide in Hangfire, the same for every app): compact, version-independent type names.</summary>
    internal static void ConfigureSerialization() =>
        GlobalConfiguration.Configuration.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UseRecommendedSerializerSettings();

    internal static PostgreSqlStorage CreateStorage(DatabaseOptions database, JobsOptions jobs)
    {
        var connection = database.AppConnection();
        connection.ApplicationName = "slices-jobs";
        connection.MaxPoolSize = jobs.Workers + 10; // each busy worker holds one; the server's own processes a few more
        // Not auto-prepared: Hangfire's statements can fail routinely (its lock runs at repeatable read), and with
        // Npgsql 10.0.3 a failed preparing run breaks the next run of the statement (see PreparedStatementReset),
        // which Hangfire's own code cannot be made to undo.
        connection.MaxAutoPrepare = 0;
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = JobSchema.Name,
            PrepareSchemaIfNecessary = false, // the migrations installed it, as the owner
            QueuePollInterval = TimeSpan.FromMilliseconds(jobs.PollIntervalMs),
            EnableLongPolling = true,
            InvisibilityTimeout = TimeSpan.FromSeconds(jobs.InvisibilitySeconds),
            UseSlidingInvisibilityTimeout = true,
            DistributedLockTimeout = TimeSpan.FromMinutes(1),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connection.ConnectionString, options), options);
    }

    /// <summary>Retries with exponential backoff and jitter, capped, then the failed state; metrics; the dashboard's history.</summary>
    internal static JobFilterCollection CreateFilters(JobsOptions options)
    {
        var filters = new JobFilterCollection();
        filters.Add(new StatisticsHistoryAttribute());
        filters.Add(new ContinuationsSupportAttribute());
        filters.Add(new AutomaticRetryAttribute
        {
            Attempts = options.RetryAttempts,
            OnAttemptsExceeded = AttemptsExceededAction.Fail,
            DelayInSecondsByAttemptFunc = attempt => RetryDelaySeconds(attempt, options),
        }, order: 20);
        filters.Add(new JobMetrics(), order: 30); // after the retry filter, so it sees the state it chose
        return filters;
    }

    internal static int RetryDelaySeconds(long attempt, JobsOptions options)
    {
        var seconds = Math.Min(options.RetryMaxDelaySeconds, options.RetryBaseSeconds * Math.Pow(2, Math.Max(0, attempt - 1)));
        return (int)Math.Ceiling(seconds * (0.75 + Random.Shared.NextDouble() * 0.5));
    }
}
