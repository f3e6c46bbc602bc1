using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>The published entry point run as its own process (dotnet Slices.Api.dll), for what only a process shows: exit codes, stderr, signals.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private AppProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static string RepositoryRoot { get; } = FindRoot();

    public static AppProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var dll = ApiDll();
        info.ArgumentList.Add(dll);
        info.WorkingDirectory = Path.GetDirectoryName(dll)!; // where its appsettings files are, as in the image
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("DATABASE", StringComparison.Ordinal) || k.StartsWith("REDIS", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["SECRETS_DIR"] = "/nonexistent";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return new AppProcess(Process.Start(info)!);
    }

    /// <summary>The API serving a test database and the test Redis on <paramref name="port"/>, logging JSON; <paramref name="settings"/> add to that.</summary>
    public static AppProcess Serve(string database, int port, IReadOnlyDictionary<string, string?> settings)
    {
        var environment = new Dictionary<string, string?>(TestStack.SecretVariables())
        {
            ["DATABASE_URL"] = TestStack.AppUrl(database),
            ["MIGRATIONS_DATABASE_URL"] = TestStack.OwnerConnectionString(database),
            ["REDIS_URL"] = $"redis://{TestStack.RedisEndpoint}/{TestStack.NewRedisDatabase()}",
            ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LOG_FORMAT"] = "json",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return Start(environment);
    }

    /// <summary>Polls /healthz/ready for up to 30 s; fails the test with what the process printed if it never answers 200.</summary>
    public async Task WaitUntilReadyAsync(HttpClient client)
    {
        var ct = TestContext.Current.CancellationToken;
        for (var i = 0; i < 300 && !HasExited; i++)
        {
            try
            {
                if ((await client.GetAsync("/healthz/ready", ct)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException e) when (e.InnerException is SocketException)
            {
            }
            await Task.Delay(100, ct);
        }
        Assert.Fail($"the app never became ready. stdout: {Stdout} stderr: {Stderr}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    // The API's own build output, next to the test's: the same configuration (Debug or Release).
    private static string ApiDll()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryRoot, "src", "Slices.Api", "bin", configuration, "net10.0", "Slices.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the API first (scripts/test does)", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Slices.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Slices.sln not found above the test's folder");
    }
}
