using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Slices.Api.Platform.Database;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>One template database migrated once per run; each test class gets its own clone, so classes run in parallel.</summary>
public static class TestDatabases
{
    private const string Template = "slices_template";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static bool _templateReady;
    private static int _counter;

    public static async Task<string> CloneAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (!_templateReady)
            {
                await CreateEmptyAsync(Template);
                await Migrator.ApplyAsync(new DatabaseOptions { Url = TestStack.OwnerConnectionString(Template) }, NullLogger.Instance, CancellationToken.None);
                _templateReady = true;
            }
            var name = NewName();
            await AdminAsync($"CREATE DATABASE {name} TEMPLATE {Template} OWNER slices_owner");
            return name;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A database with no migrations applied.</summary>
    public static async Task<string> CreateEmptyAsync(string? name = null)
    {
        name ??= NewName();
        await AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await AdminAsync($"CREATE DATABASE {name} OWNER slices_owner");
        await using var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(name));
        await connection.ExecuteAsync("ALTER SCHEMA public OWNER TO slices_owner");
        return name;
    }

    public static Task DropAsync(string name) => AdminAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    // Names come from this class alone (a fixed prefix and a counter), never from input, so formatting them into DDL is safe.
    private static string NewName() => $"slices_t{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestStack.AdminConnectionString + ";Pooling=false");
        await connection.ExecuteAsync(sql);
    }
}
