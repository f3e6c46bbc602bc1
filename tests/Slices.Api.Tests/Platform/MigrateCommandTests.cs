using Dapper;
using Npgsql;
using Slices.Api.Platform.Database;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class MigrateCommandTests
{
    [Fact]
    public async Task Migrate_applies_every_script_once_then_finds_nothing_to_do()
    {
        var database = await TestDatabases.CreateEmptyAsync();
        try
        {
            var environment = new Dictionary<string, string?> { ["DATABASE_URL"] = TestStack.OwnerConnectionString(database), ["LOG_FORMAT"] = "json" };

            await using var first = AppProcess.Start(environment, "migrate");
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            await using var second = AppProcess.Start(environment, "migrate");
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));

            await using var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(database));
            var applied = (await connection.QueryAsync<string>("SELECT scriptname FROM schema_migrations ORDER BY scriptname")).ToList();
            Assert.Equal(Migrator.EmbeddedScripts, applied);
            Assert.Contains($"\"Count\":{Migrator.EmbeddedScripts.Count}", first.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"Count\":0", second.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }
}
