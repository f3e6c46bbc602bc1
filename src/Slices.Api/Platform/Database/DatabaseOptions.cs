using Npgsql;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Database;

public sealed class DatabaseOptions : Settings
{
    public const string Section = "Database";

    /// <summary>The connection the API uses: the app role, which owns nothing and cannot bypass row-level security.</summary>
    public string? Url { get; set; }

    /// <summary>The owner role's connection, used only to apply migrations. Falls back to <see cref="Url"/>.</summary>
    public string? MigrationsUrl { get; set; }

    public int MaxPoolSize { get; set; } = 10;
    public int MinPoolSize { get; set; }
    public int ConnectionTimeoutSeconds { get; set; } = 20;
    public int CommandTimeoutSeconds { get; set; } = 30;
    public int MaxRetries { get; set; } = 3;
    public int RetryBaseDelayMs { get; set; } = 100;
    public bool MigrateOnStart { get; set; } = true;

    public static void ApplyAliases(DatabaseOptions options, IConfiguration config)
    {
        options.Url = config["DATABASE_URL"] ?? options.Url;
        options.MigrationsUrl = config["MIGRATIONS_DATABASE_URL"] ?? options.MigrationsUrl;
    }

    public NpgsqlConnectionStringBuilder AppConnection()
    {
        PostgresUrl.TryParse(Url, out var builder);
        builder.MaxPoolSize = MaxPoolSize;
        builder.MinPoolSize = MinPoolSize;
        builder.Timeout = ConnectionTimeoutSeconds;
        builder.CommandTimeout = CommandTimeoutSeconds;
        builder.ApplicationName ??= "slices-api";
        // Hot statements are prepared once per connection and reused: PostgreSQL skips parsing and planning them.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        builder.AutoPrepareMinUsages = 2;
        // No DISCARD ALL when a connection returns to the pool: the API keeps no session state (the tenant setting
        // is transaction-local), and a reset would also throw away the prepared statements.
        builder.NoResetOnClose = true;
        return builder;
    }

    public NpgsqlConnectionStringBuilder MigrationsConnection()
    {
        if (!PostgresUrl.TryParse(MigrationsUrl, out var builder)) PostgresUrl.TryParse(Url, out builder);
        builder.Pooling = false;
        builder.CommandTimeout = 0;
        builder.ApplicationName ??= "slices-migrations";
        return builder;
    }

    protected override IEnumerable<string> Check()
    {
        const string urlProblem = "not a valid postgres:// URL or connection string";
        if (string.IsNullOrWhiteSpace(Url)) yield return SettingName.Problem("DATABASE_URL", "Database:Url", "required (a postgres:// URL or an Npgsql connection string)");
        else if (!PostgresUrl.TryParse(Url, out _)) yield return SettingName.Problem("DATABASE_URL", "Database:Url", urlProblem);
        if (!string.IsNullOrWhiteSpace(MigrationsUrl) && !PostgresUrl.TryParse(MigrationsUrl, out _))
            yield return SettingName.Problem("MIGRATIONS_DATABASE_URL", "Database:MigrationsUrl", urlProblem);
        if (MaxPoolSize is < 1 or > 1000) yield return SettingName.Problem("Database:MaxPoolSize", "must be between 1 and 1000");
        if (MinPoolSize < 0 || MinPoolSize > MaxPoolSize) yield return SettingName.Problem("Database:MinPoolSize", "must be between 0 and Database:MaxPoolSize");
        if (ConnectionTimeoutSeconds is < 1 or > 300) yield return SettingName.Problem("Database:ConnectionTimeoutSeconds", "must be between 1 and 300");
        if (CommandTimeoutSeconds is < 1 or > 3600) yield return SettingName.Problem("Database:CommandTimeoutSeconds", "must be between 1 and 3600");
        if (MaxRetries is < 0 or > 10) yield return SettingName.Problem("Database:MaxRetries", "must be between 0 and 10");
        if (RetryBaseDelayMs is < 1 or > 10_000) yield return SettingName.Problem("Database:RetryBaseDelayMs", "must be between 1 and 10000");
    }
}
