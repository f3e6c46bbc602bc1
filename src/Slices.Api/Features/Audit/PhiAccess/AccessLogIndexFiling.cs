using Dapper;
using Slices.Api.Features.Audit.Daily;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Audit.PhiAccess;

/// <summary>
/// Files the access log's GIN pending list into its index every few seconds (migration 0019), so that no PHI read
/// has to file a full list itself. Any number of workers may run it: a second one waits for the first, then finds
/// little left to file. A PHI read that overflows the list meanwhile does not wait: it leaves the filing to them.
/// </summary>
public sealed class AccessLogIndexFiling(Db db, AuditOptions options, ILogger<AccessLogIndexFiling> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.IndexFilingSeconds == 0) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.IndexFilingSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var pages = await db.UseAsync(connection =>
                        connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT file_access_log_index()", cancellationToken: stoppingToken)), stoppingToken);
                    if (pages > 0) logger.LogDebug("Filed {Pages} pending pages of the access log's patient index", pages);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Could not file the access log's pending index entries: {Error}", e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
