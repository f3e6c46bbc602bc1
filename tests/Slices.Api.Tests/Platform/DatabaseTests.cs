using System.Net;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class DatabaseTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_pool_never_opens_more_connections_than_configured()
    {
        await using var small = await SlicesApp.StartAsync(s => s["Database:MaxPoolSize"] = "2");
        var client = small.CreateClient();

        // The API's pool; background jobs have their own, sized by Jobs:Workers.
        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetAsync("/healthz/ready", Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionString);
        var open = await admin.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @db AND usename = 'slices_app' AND application_name = 'slices-api'", new { db = small.Database });
        Assert.InRange(open, 1, 2);
    }

    [Fact]
    public async Task Opening_a_connection_retries_while_the_server_refuses_connections()
    {
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionString);
        var db = app.Services.GetRequiredService<Slices.Api.Platform.Database.Db>();
        // "too many connections" (53300) is what a saturated server answers; it is transient.
        await admin.ExecuteAsync($"ALTER DATABASE {app.Database} CONNECTION LIMIT 0");
        // Cleared after the limit, not before: the app's background workers may have opened a connection in between.
        db.DataSource.Clear();
        var reopen = Task.Run(async () =>
        {
            await Task.Delay(150, Ct);
            await admin.ExecuteAsync($"ALTER DATABASE {app.Database} CONNECTION LIMIT -1");
        }, Ct);

        try
        {
            await using var connection = await db.OpenAsync(Ct);
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
        }
        finally
        {
            await reopen;
        }
        Assert.Contains(app.Logs.Events, e => e.MessageTemplate.Text.StartsWith("Transient database failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idempotent_read_is_rerun_when_its_connection_is_killed_mid_query()
    {
        var db = app.Services.GetRequiredService<Slices.Api.Platform.Database.Db>();
        var attempts = 0;
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionString);

        var result = await db.ReadAsync(async connection =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                // A failover or server restart: the backend serving this read dies while the query runs.
                var pid = connection.ProcessID;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(200, Ct);
                    await admin.ExecuteAsync("SELECT pg_terminate_backend(@pid)", new { pid });
                }, Ct);
                return await connection.ExecuteScalarAsync<int>("SELECT 41 FROM pg_sleep(5)");
            }
            return await connection.ExecuteScalarAsync<int>("SELECT 42");
        }, Ct);

        Assert.Equal(42, result);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task The_app_role_owns_nothing_cannot_create_tables_and_cannot_bypass_row_security()
    {
        await using var connection = new NpgsqlConnection(TestStack.AppConnectionStringFor(app.Database));
        await connection.OpenAsync(Ct);

        var role = await connection.QuerySingleAsync<(bool Super, bool BypassRls)>("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
        var owned = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = current_user");
        var create = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("CREATE TABLE intruder (id int)"));

        Assert.False(role.Super);
        Assert.False(role.BypassRls);
        Assert.Equal(0, owned);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, create.SqlState);
    }

    [Fact]
    public async Task Migrations_are_journaled_and_owned_by_the_owner_role()
    {
        await using var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var scripts = (await connection.QueryAsync<string>("SELECT scriptname FROM schema_migrations ORDER BY scriptname")).ToList();
        var journalOwner = await connection.ExecuteScalarAsync<string>("SELECT tableowner FROM pg_tables WHERE tablename = 'schema_migrations'");

        Assert.Equal(Slices.Api.Platform.Database.Migrator.EmbeddedScripts, scripts);
        Assert.Equal("slices_owner", journalOwner);
    }

    [Fact]
    public async Task The_api_refuses_to_serve_when_connected_as_the_table_owner()
    {
        var database = await TestDatabases.CloneAsync();
        try
        {
            await using var process = AppProcess.Start(new Dictionary<string, string?>(TestStack.SecretVariables())
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Staging",
                ["DATABASE_URL"] = TestStack.OwnerConnectionString(database),
                ["REDIS_URL"] = TestStack.RedisEndpoint,
                ["PORT"] = TestStack.DeadPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["LOG_FORMAT"] = "json",
            });

            Assert.Equal(3, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("row-level security would not isolate practices", process.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }

    [Fact]
    public async Task A_statement_refused_by_the_server_as_it_is_prepared_runs_normally_next_time()
    {
        // One connection, so every request runs on it. A statement is prepared on a connection at its second run
        // there; Npgsql 10.0.3 then misread that connection's next run of it if the server had refused the second.
        await using var small = await SlicesApp.StartAsync(s => s["Database:MaxPoolSize"] = "1");
        var clinic = await Clinic.OpenAsync(small);

        // A search by name, three times: the second with a NUL, which PostgreSQL refuses. Each q is its own, so each
        // search reads the database rather than the cache.
        Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.GetAsync("/api/v1/patients?q=first", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await clinic.Admin.GetAsync("/api/v1/patients?q=a%00b", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.GetAsync("/api/v1/patients?q=third", Ct)).StatusCode);

        // The same in a transaction: a division by zero on the statement's second run, then a third run.
        var db = small.Services.GetRequiredService<Slices.Api.Platform.Database.Db>();
        Task<int> DivideAsync(int by) => db.InTenantAsync(clinic.Practice.PracticeId, (c, tx) =>
            c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 12 / @by", new { by }, tx, cancellationToken: Ct)), Ct);
        Assert.Equal(6, await DivideAsync(2));
        await Assert.ThrowsAsync<PostgresException>(() => DivideAsync(0));
        Assert.Equal(4, await DivideAsync(3));

        // And in a one-statement change (the booking's way).
        Task<int> HalveAsync(int by) => db.ChangeInTenantAsync(clinic.Practice.PracticeId,
            () => new Slices.Api.Platform.Database.Statement("SELECT 24 / @by", new DynamicParameters(new { by })),
            async rows => await rows.ReadAsync(Ct) ? rows.GetInt32(0) : 0, Ct);
        Assert.Equal(12, await HalveAsync(2));
        await Assert.ThrowsAsync<PostgresException>(() => HalveAsync(0));
        Assert.Equal(8, await HalveAsync(3));
    }
}
