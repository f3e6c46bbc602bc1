using System.Reflection;
using Dapper;
using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace Slices.Api.Platform.Database;

/// <summary>
/// Applies the embedded migrations/NNNN_*.sql scripts with DbUp as the owner role, each in its own transaction unless
/// it starts with <see cref="NoTransactionMarker"/>.
/// </summary>
public static class Migrator
{
    public const string JournalTable = "schema_migrations";
    private const long AdvisoryLockKey = 0x51_1C_E5_00;
    private static readonly Assembly Scripts = typeof(Migrator).Assembly;

    public static IReadOnlyList<string> EmbeddedScripts { get; } = Scripts.GetManifestResourceNames()
        .Where(IsMigration).Order(StringComparer.Ordinal).ToList();

    public static async Task<int> ApplyAsync(DatabaseOptions options, ILogger logger, CancellationToken ct)
    {
        var connectionString = options.MigrationsConnection().ConnectionString;

        // Several instances may start at once: one applies, the others wait and then find nothing to do.
        await using var lockConnection = new NpgsqlConnection(connectionString);
        await lockConnection.OpenAsync(ct);
        await lockConnection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            var pending = Upgrader(connectionString, logger, IsMigration, transaction: true).GetScriptsToExecute();
            var applied = 0;
            // In order, each run of scripts that share a mode: most in a transaction each, the marked ones without.
            for (var start = 0; start < pending.Count;)
            {
                var inTransaction = !RunsWithoutTransaction(pending[start].Contents);
                var run = pending.Skip(start).TakeWhile(s => RunsWithoutTransaction(s.Contents) != inTransaction).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
                var result = Upgrader(connectionString, logger, run.Contains, inTransaction).PerformUpgrade();
                if (!result.Successful)
                    throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed", result.Error);
                applied += result.Scripts.Count();
                start += run.Count;
            }
            Jobs.JobSchema.Install(connectionString);
            logger.LogInformation("Migrations applied: {Count} new, {Total} in all", applied, EmbeddedScripts.Count);
            return applied;
        }
        finally
        {
            await lockConnection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }, cancellationToken: CancellationToken.None));
        }
    }

    /// <summary>The embedded scripts the database's journal does not list yet.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        const string sql = $"SELECT scriptname FROM public.{JournalTable}";
        var applied = (await connection.QueryAsync<string>(new CommandDefinition(sql, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        return EmbeddedScripts.Where(s => !applied.Contains(s)).ToList();
    }

    /// <summary>
    /// A script whose first line is this runs outside any transaction, one statement at a time: CREATE INDEX
    /// CONCURRENTLY cannot run inside one, and it keeps a large table writable while the index builds. Such a script
    /// must be safe to run again from the top (a failed concurrent build leaves an invalid index: drop it first).
    /// </summary>
    public const string NoTransactionMarker = "-- migrate: no transaction";

    private static bool RunsWithoutTransaction(string contents) => contents.StartsWith(NoTransactionMarker, StringComparison.Ordinal);

    private static DbUp.Engine.UpgradeEngine Upgrader(string connectionString, ILogger logger, Func<string, bool> scripts, bool transaction)
    {
        var builder = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(Scripts, name => IsMigration(name) && scripts(name))
            .JournalToPostgresqlTable("public", JournalTable)
            .LogTo(new DbUpLog(logger));
        return (transaction ? builder.WithTransactionPerScript() : builder.WithoutTransaction()).Build();
    }

    private static bool IsMigration(string resourceName) =>
        resourceName.StartsWith("Slices.Api.Migrations.", StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    private sealed class DbUpLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace("{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogDebug(string format, params object[] args) => logger.LogDebug("{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogInformation(string format, params object[] args) => logger.LogInformation("{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(string format, params object[] args) => logger.LogError("{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, "{DbUp:l}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
