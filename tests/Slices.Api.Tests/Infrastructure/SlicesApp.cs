using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>
/// The real app on Kestrel (real sockets, the whole pipeline) against its own database cloned from the migrated
/// template and its own Redis database. Use it as a class fixture, or start one with other settings in a test.
/// </summary>
public class SlicesApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Action<Dictionary<string, string?>>? _configure;
    private readonly bool _cloneDatabase;

    public SlicesApp() : this(null) { }

    private SlicesApp(Action<Dictionary<string, string?>>? configure, bool cloneDatabase = true)
    {
        _configure = configure;
        _cloneDatabase = cloneDatabase;
    }

    public string Database { get; private set; } = "";
    public int RedisDatabase { get; } = TestStack.NewRedisDatabase();
    public LogCapture Logs { get; } = new();
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Starts an app with settings of the test's own, e.g. a Redis that is down.</summary>
    public static async Task<SlicesApp> StartAsync(Action<Dictionary<string, string?>> configure, bool cloneDatabase = true)
    {
        var app = new SlicesApp(configure, cloneDatabase);
        await app.InitializeAsync();
        return app;
    }

    /// <summary>Another instance on this one's database and Redis, as a second pod would be, with settings of its own.</summary>
    public Task<SlicesApp> StartAnotherAsync(Action<Dictionary<string, string?>>? more = null) => StartAsync(s =>
    {
        s["DATABASE_URL"] = Settings["DATABASE_URL"];
        s["MIGRATIONS_DATABASE_URL"] = Settings["MIGRATIONS_DATABASE_URL"];
        s["REDIS_URL"] = Settings["REDIS_URL"];
        more?.Invoke(s);
    });

    public async ValueTask InitializeAsync()
    {
        Database = _cloneDatabase ? await TestDatabases.CloneAsync() : await TestDatabases.CreateEmptyAsync();
        Settings["DATABASE_URL"] = TestStack.AppUrl(Database);
        Settings["MIGRATIONS_DATABASE_URL"] = TestStack.OwnerConnectionString(Database);
        Settings["REDIS_URL"] = $"redis://{TestStack.RedisEndpoint}/{RedisDatabase}";
        Settings["LOG_FORMAT"] = "json";
        Settings["LOG_CONSOLE"] = "false";
        Settings["Shutdown:DrainDelaySeconds"] = "0";
        // Every test signs up and signs in from 127.0.0.1: generous limits, except where a test sets its own.
        Settings["RateLimiting:PermitLimit"] = "100000";
        Settings["RateLimiting:CredentialsPermitLimit"] = "100000";
        Settings["RateLimiting:AccountPermitLimit"] = "100000";
        // Two job workers per app, and background polling once a second: enough to run the work, little load while
        // many apps run at once. Tests that wait on background work poll faster.
        Settings["Jobs:Workers"] = "2";
        Settings["Outbox:PollIntervalMs"] = "1000";
        Settings["Webhooks:PollIntervalMs"] = "1000";
        // Tests speak plain HTTP to loopback; the HTTPS tests turn this back on.
        Settings["Https:Require"] = "false";
        foreach (var (key, value) in TestStack.Secrets()) Settings[key] = value;
        _configure?.Invoke(Settings);
        UseKestrel(0);
        StartServer();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Settings.GetValueOrDefault("environment") ?? "Testing");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<ILogEventSink>(Logs));
    }

    /// <summary>A client that keeps no cookies, for tests that handle cookies themselves.</summary>
    public HttpClient CreateClientWithoutCookies() =>
        CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, BaseAddress = CreateClient().BaseAddress! });

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Database.Length > 0) await TestDatabases.DropAsync(Database);
        GC.SuppressFinalize(this);
    }
}
