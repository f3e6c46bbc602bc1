using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Platform.Database;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>Practice A can reach nothing of practice B: through the API, in the database itself, and across pooled connections.</summary>
public sealed class TenantIsolationTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    // Every table but these holds one practice's data: the login and tenant directories, the migrations journal,
    // the outbox with its consumer list, and the webhook queue (ids and event types only).
    private const string TenantTablesSql = """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT IN ('user_logins', 'schema_migrations', 'tenant_directory', 'event_consumers', 'outbox', 'webhook_queue')
        ORDER BY 1
        """;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Through_the_api_a_practice_cannot_read_list_change_or_delete_another_practices_records()
    {
        var a = await app.SignUpAsync("Practice A");
        var b = await app.SignUpAsync("Practice B");
        var (bUser, _, _) = await app.AddUserAsync(b, "clinician");
        var bKey = await (await app.AsAdmin(b).PostAsJsonAsync("/api/v1/api-keys", new { name = "B's", scopes = new[] { "audit:read" } }, Ct)).JsonAsync(HttpStatusCode.Created);

        var users = await (await app.AsAdmin(a).GetAsync("/api/v1/users", Ct)).JsonAsync(HttpStatusCode.OK);
        var keys = await (await app.AsAdmin(a).GetAsync("/api/v1/api-keys", Ct)).JsonAsync(HttpStatusCode.OK);
        var events = await (await app.AsAdmin(a).GetAsync($"/api/v1/audit/events?stream=user/{bUser}", Ct)).JsonAsync(HttpStatusCode.OK);
        var patch = await app.AsAdmin(a).PatchAsJsonAsync($"/api/v1/users/{bUser}", new { disabled = true }, Ct);
        var delete = await app.AsAdmin(a).DeleteAsync($"/api/v1/api-keys/{bKey.GetProperty("id").GetGuid()}", Ct);

        Assert.DoesNotContain(users.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == bUser);
        Assert.Empty(keys.GetProperty("items").EnumerateArray());
        Assert.Empty(events.GetProperty("items").EnumerateArray());
        await patch.AssertProblemAsync(404);
        await delete.AssertProblemAsync(404);
        var bUsers = await (await app.AsAdmin(b).GetAsync("/api/v1/users", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Contains(bUsers.GetProperty("items").EnumerateArray(), u => u.GetProperty("id").GetGuid() == bUser && !u.GetProperty("disabled").GetBoolean());
    }

    [Fact]
    public async Task As_the_app_role_with_no_tenant_set_every_tenant_table_reads_empty()
    {
        await app.SignUpAsync();
        await using var connection = new NpgsqlConnection(TestStack.AppConnectionStringFor(app.Database));
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var tables = (await admin.QueryAsync<string>(TenantTablesSql)).ToList();

        Assert.Contains("patients", tables);
        foreach (var table in tables)
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}"));
        Assert.True(await admin.ExecuteScalarAsync<long>("SELECT count(*) FROM users") > 0);
    }

    [Fact]
    public async Task As_the_app_role_an_insert_for_another_practice_fails()
    {
        var a = await app.SignUpAsync("Practice A");
        var b = await app.SignUpAsync("Practice B");
        await using var connection = new NpgsqlConnection(TestStack.AppConnectionStringFor(app.Database));
        await connection.OpenAsync(Ct);
        await using var tx = await connection.BeginTransactionAsync(Ct);
        await connection.ExecuteAsync("SELECT set_config('app.tenant_id', @a, true)", new { a = a.PracticeId.ToString() }, tx);

        var insert = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO api_keys (practice_id, id, name, secret_hash, scopes, created_by) VALUES (@b, gen_random_uuid(), 'x', '\\x00', '{}', @u)",
            new { b = b.PracticeId, u = b.AdminId }, tx));

        Assert.Equal("42501", insert.SqlState); // new row violates row-level security policy
    }

    [Fact]
    public async Task A_pooled_connection_never_carries_one_practices_tenant_into_the_next_request()
    {
        await using var single = await SlicesApp.StartAsync(s => s["Database:MaxPoolSize"] = "1");
        var a = await single.SignUpAsync("Practice A");
        var b = await single.SignUpAsync("Practice B");

        for (var i = 0; i < 10; i++)
        {
            var practice = i % 2 == 0 ? a : b;
            var users = await (await single.AsAdmin(practice).GetAsync("/api/v1/users", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal([practice.AdminId], users.GetProperty("items").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()));
        }

        var db = single.Services.GetRequiredService<Db>();
        await db.InTenantAsync(a.PracticeId, (c, tx) => c.ExecuteScalarAsync<long>("SELECT count(*) FROM users", transaction: tx), Ct);
        await using var reused = await db.OpenAsync(Ct); // the same physical connection: the pool holds one
        Assert.Equal("", await reused.ExecuteScalarAsync<string>("SELECT coalesce(current_setting('app.tenant_id', true), '')"));
        Assert.Equal(0, await reused.ExecuteScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Every_unique_index_on_a_tenant_table_includes_practice_id()
    {
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var offenders = await admin.QueryAsync<string>("""
            SELECT i.indexrelid::regclass::text
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND t.relrowsecurity AND t.relname <> 'practices'
              AND NOT EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'practice_id' AND a.attnum = ANY (i.indkey))
            """);
        var tables = await admin.QueryAsync<string>(TenantTablesSql);
        var forced = await admin.QueryAsync<string>("SELECT relname FROM pg_class WHERE relname = ANY(@tables) AND relrowsecurity AND relforcerowsecurity", new { tables = tables.ToArray() });

        Assert.Empty(offenders);
        Assert.Equal(tables.Order(), forced.Order());
    }
}
