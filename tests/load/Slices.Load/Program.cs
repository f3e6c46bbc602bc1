using Slices.Load;

// Usage: dotnet run -c Release --project tests/load/Slices.Load -- <scenario> [--base-url URL] [--seconds N] [--json FILE] [scenario options]
// BASE_URL may be given in the environment instead. Exit code 0 when the scenario's expectations held, 1 when not, 2 on bad usage.
var options = RunOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Slices.Load rate-limit [--base-url http://localhost:8080] [--seconds 20] [--json report.json]");
    Console.Error.WriteLine("       [--noisy-connections 16] [--quiet-clients 4] [--quiet-rate 2] [--key-limit 100]");
    Console.Error.WriteLine("       Slices.Load scale --database \"Host=...;Username=postgres;Database=slices\" [--sizes 10000,100000,1000000] [--appointments-per-patient 10] [--copy-connections <cores>]");
    Console.Error.WriteLine("       Slices.Load webhooks --base-url http://localhost:8080 [--events 5000] [--connections 16]   (the API must allow loopback receivers)");
    Console.Error.WriteLine("       Slices.Load emails --base-url http://localhost:8080 --smtp-port 2525 [--warm-up 1000] [--bookings 5000] [--connections 16] [--rate 50] [--paced-seconds 20]   (the API must send through 127.0.0.1:<smtp-port>)");
    Console.Error.WriteLine("       Slices.Load jobs --database \"Host=...;Username=postgres;Database=slices\" [--noop 20000] [--db-jobs 5000] [--workers 20] [--producers 8]");
    Console.Error.WriteLine("       Slices.Load bench --baseline-url http://127.0.0.1:8090 [--seconds 20] [--connections 32] [--capacity-connections 128] [--rounds 3] [--booking-practices 1,10] [--patients 500] [--api-pid N] [--baseline-pid N]");
    return 2;
}

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = options.BaseUrl,
    Timeout = TimeSpan.FromSeconds(30),
};

return options.Scenario switch
{
    "rate-limit" => await RateLimitScenario.RunAsync(http, options),
    "bench" => await BenchScenario.RunAsync(http, options),
    "scale" => await ScaleScenario.RunAsync(options),
    "jobs" => await JobsScenario.RunAsync(options),
    "webhooks" => await WebhooksScenario.RunAsync(http, options),
    "emails" => await EmailsScenario.RunAsync(http, options),
    _ => Usage(options.Scenario),
};

static int Usage(string scenario)
{
    Console.Error.WriteLine($"unknown scenario '{scenario}' (known: rate-limit, bench, scale, jobs, webhooks, emails)");
    return 2;
}
