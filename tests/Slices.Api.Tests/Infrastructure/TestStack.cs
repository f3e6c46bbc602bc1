using Npgsql;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>The PostgreSQL and Redis servers that scripts/test started for this run.</summary>
public static class TestStack
{
    public static string AdminConnectionString { get; } = Require("SLICES_TEST_POSTGRES");
    public static string RedisEndpoint { get; } = Require("SLICES_TEST_REDIS");

    private static int _redisDatabases;

    /// <summary>
    /// A Redis database no other app of this run uses (scripts/test starts Redis with 4096 of them), so that rate-limit
    /// counts, sessions and cache entries are the app's own: apps sharing one counted each other's requests from
    /// 127.0.0.1, and a process polling for readiness could meet a 429 until the minute ended.
    /// </summary>
    public static int NewRedisDatabase() => Interlocked.Increment(ref _redisDatabases);

    private static NpgsqlConnectionStringBuilder Admin => new(AdminConnectionString);

    /// <summary>A postgres:// URL, the form DigitalOcean injects, so every test also proves the URL form is accepted.</summary>
    public static string AppUrl(string database) => $"postgres://slices_app@{Admin.Host}:{Admin.Port}/{database}";

    public static string OwnerConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Username = "slices_owner", Database = database, Pooling = false }.ConnectionString;

    public static string AdminConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = false }.ConnectionString;

    public static string AppConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Username = "slices_app", Database = database, Pooling = false }.ConnectionString;

    private static readonly Lazy<string> SigningKey = new(() =>
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    });

    private static readonly string EncryptionKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The keys Production requires (token signing, column encryption), made fresh for this run.</summary>
    public static Dictionary<string, string?> Secrets() => new()
    {
        ["Auth:SigningKeys:t1"] = SigningKey.Value,
        ["Auth:ActiveSigningKeyId"] = "t1",
        ["Crypto:Keys:t1"] = EncryptionKey,
        ["Crypto:ActiveKeyId"] = "t1",
    };

    /// <summary>The same, named as environment variables.</summary>
    public static Dictionary<string, string?> SecretVariables() =>
        Secrets().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

    /// <summary>The verification key of the signing key above, to check tokens independently of the API.</summary>
    public static System.Security.Cryptography.ECDsa SigningKeyPair()
    {
        var key = System.Security.Cryptography.ECDsa.Create();
        key.ImportFromPem(SigningKey.Value);
        return key;
    }

    /// <summary>A loopback port with nothing listening: a dependency that is down.</summary>
    public static int DeadPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string Require(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the tests with scripts/test, which starts PostgreSQL and Redis.");
}
