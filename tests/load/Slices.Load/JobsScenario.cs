using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using Hangfire;
using Npgsql;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Jobs;

namespace Slices.Load;

/// <summary>
/// Background job throughput on the product's own Hangfire configuration (storage options, filters, queues): enqueues
/// no-op jobs, then small database jobs (one INSERT each), from several producers while a job server with --workers
/// workers processes them, and reports jobs per hour and queue latency (enqueued to started). Every database job's
/// row is counted at the end: none lost, none run twice. --database: a superuser connection string (to create the
/// bench table); the jobs themselves run as the app role.
/// </summary>
public static class JobsScenario
{
    public static async Task<int> RunAsync(RunOptions options)
    {
        var admin = options.Extra["database"];
        var app = new NpgsqlConnectionStringBuilder(admin) { Username = "slices_app", Password = null }.ConnectionString;
        var jobs = new JobsOptions { Workers = options.Int("workers", 20), PollIntervalMs = 1000 };
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.ExecuteAsync("CREATE TABLE IF NOT EXISTS bench_job_runs (id uuid PRIMARY KEY, ran_at timestamptz NOT NULL DEFAULT now()); TRUNCATE bench_job_runs; GRANT INSERT, SELECT ON bench_job_runs TO slices_app");
        }
        BenchJobs.Database = NpgsqlDataSource.Create(app);

        JobsExtensions.ConfigureSerialization();
        var storage = JobsExtensions.CreateStorage(new DatabaseOptions { Url = app }, jobs);
        var filters = JobsExtensions.CreateFilters(jobs);
        var client = new BackgroundJobClient(storage, filters);
#pragma warning disable CS0618 // the product's server host uses the same constructor, for the same reason
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = jobs.Workers, Queues = JobQueues.InPriorityOrder }, storage, [], filters, JobActivator.Current, null, null, null);
#pragma warning restore CS0618

        Console.WriteLine($"{"jobs",18} {"count",7} {"seconds",8} {"jobs/hour",11} | {"latency p50/p95/p99 ms",24}");
        var rows = new List<object>();
        var rate = options.Int("rate", 100);
        var runs = new (string Name, int Count, int Rate)[]
        {
            ("no-op", options.Int("noop", 20_000), 0),
            ("database", options.Int("db-jobs", 5_000), 0),
            ($"no-op at {rate}/s", rate * options.Int("paced-seconds", 20), rate),
        };
        foreach (var (name, count, pace) in runs)
        {
            BenchJobs.Reset();
            var clock = Stopwatch.StartNew();
            var producers = pace > 0 ? 1 : options.Int("producers", 8);
            await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                for (var i = p; i < count; i += producers)
                {
                    // At a fixed arrival rate the latency is the queue's own; flat out it is mostly the backlog's.
                    if (pace > 0 && clock.Elapsed < TimeSpan.FromSeconds((double)i / pace)) await Task.Delay(TimeSpan.FromSeconds((double)i / pace) - clock.Elapsed);
                    var at = Stopwatch.GetTimestamp();
                    if (name == "database") client.Enqueue(JobQueues.Default, () => BenchJobs.Insert(at, Guid.CreateVersion7()));
                    else client.Enqueue(JobQueues.Default, () => BenchJobs.NoOp(at));
                }
            })));
            var enqueued = clock.Elapsed.TotalSeconds;
            while (BenchJobs.Done < count) await Task.Delay(20);
            var seconds = clock.Elapsed.TotalSeconds;
            var latencies = BenchJobs.Latencies.Order().ToArray();
            var (p50, p95, p99) = (Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99));
            var perHour = count / seconds * 3600;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,18} {count,7} {seconds,8:F1} {perHour,11:N0} | {p50,8:F1} {p95,7:F1} {p99,7:F1}"));
            rows.Add(new { Jobs = name, Count = count, EnqueueSeconds = Math.Round(enqueued, 2), Seconds = Math.Round(seconds, 2), JobsPerHour = Math.Round(perHour), LatencyP50Ms = p50, LatencyP95Ms = p95, LatencyP99Ms = p99 });
        }

        long written;
        await using (var c = new NpgsqlConnection(admin)) written = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM bench_job_runs");
        var expected = options.Int("db-jobs", 5_000);
        Console.WriteLine($"database jobs: {written} rows for {expected} jobs ({(written == expected ? "each ran once" : "MISMATCH")})");
        await Report.WriteJsonAsync(options.JsonPath, new { Scenario = "jobs", Workers = jobs.Workers, Runs = rows, DatabaseRows = written });
        server.SendStop();
        return written == expected ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))], 1);
}

/// <summary>The bench's jobs: public and static so Hangfire can find them by name in this assembly.</summary>
public static class BenchJobs
{
    internal static NpgsqlDataSource Database = null!;
    internal static ConcurrentQueue<double> Latencies = new();
    private static int _done;

    internal static int Done => Volatile.Read(ref _done);

    internal static void Reset()
    {
        Latencies = new ConcurrentQueue<double>();
        Interlocked.Exchange(ref _done, 0);
    }

    public static void NoOp(long enqueuedAt) => Finish(enqueuedAt);

    public static async Task Insert(long enqueuedAt, Guid id)
    {
        Started(enqueuedAt);
        await using var command = Database.CreateCommand("INSERT INTO bench_job_runs (id) VALUES ($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync();
        Interlocked.Increment(ref _done);
    }

    private static void Finish(long enqueuedAt)
    {
        Started(enqueuedAt);
        Interlocked.Increment(ref _done);
    }

    private static void Started(long enqueuedAt) => Latencies.Enqueue(Stopwatch.GetElapsedTime(enqueuedAt).TotalMilliseconds);
}
