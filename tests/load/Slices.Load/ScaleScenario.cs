using System.Diagnostics;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Slices.Load;

/// <summary>
/// Fills practices of growing size with binary COPY (patients, and ten appointments each), then times the slices' own
/// hot statements inside a tenant transaction as the API role runs them, so the table shows whether cost stays flat
/// as data grows. --database: a superuser connection string (COPY into tables with row-level security needs one).
/// </summary>
public static class ScaleScenario
{
    private static readonly string[] Surnames = [.. Enumerable.Range(0, 2000).Select(i => $"Surname{i:0000}")];

    public static async Task<int> RunAsync(RunOptions options)
    {
        var admin = options.Extra["database"];
        var app = new NpgsqlConnectionStringBuilder(admin) { Username = "slices_app", Password = null, MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
        var sizes = (options.Extra.TryGetValue("sizes", out var s) ? s : "10000,100000,1000000").Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToList();
        var perPatient = options.Int("appointments-per-patient", 10);
        var samples = options.Int("samples", 2000);
        var streams = options.Int("copy-connections", Environment.ProcessorCount);
        var seed = options.Int("seed", 1); // which patients, names and days are timed: another seed reads pages an earlier --loaded run did not
        Slices.Api.Platform.Database.DatabaseExtensions.ConfigureDapper();

        var rows = new List<object>();
        Console.WriteLine($"{"patients",10} {"appts",11} {"load s",7} {"vacuum s",8} | {"read p50/p95 ms",16} {"search p50/p95 ms",18} {"page p50/p95 ms",16} {"day p50/p95 ms",16} {"fortnight p50/p95",18}");
        foreach (var size in sizes)
        {
            var clock = Stopwatch.StartNew();
            var practice = options.Extra.ContainsKey("loaded") ? await FindAsync(admin, size) : await FillAsync(admin, size, perPatient, streams);
            var loaded = clock.Elapsed.TotalSeconds;
            await SettleAsync(admin);
            var vacuumed = clock.Elapsed.TotalSeconds - loaded;
            var timings = await MeasureAsync(app, practice, samples, seed);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{size,10} {size * perPatient,11} {loaded,7:F0} {vacuumed,8:F0} | {Pair(timings["read"]),16} {Pair(timings["search"]),18} {Pair(timings["page"]),16} {Pair(timings["day"]),16} {Pair(timings["fortnight"]),18}"));
            rows.Add(new { Patients = size, Appointments = size * perPatient, LoadSeconds = Math.Round(loaded), VacuumSeconds = Math.Round(vacuumed), Timings = timings.ToDictionary(t => t.Key, t => new { P50Ms = t.Value.P50, P95Ms = t.Value.P95 }) });
        }
        await Report.WriteJsonAsync(options.JsonPath, new { Scenario = "scale", Samples = samples, Sizes = rows });
        return 0;
    }

    private sealed record Practice(Guid Id, Guid[] PatientSample, Guid[] Clinicians, DateTimeOffset Start, int SlotsPerClinician);

    private static async Task<Practice> FillAsync(string admin, int patients, int perPatient, int streams)
    {
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        var clock = Stopwatch.StartNew();
        var practice = Guid.CreateVersion7();
        await c.ExecuteAsync("INSERT INTO practices (id, name) VALUES (@practice, @name)", new { practice, name = $"Scale {patients}" });
        var clinicians = Enumerable.Range(0, Math.Max(10, patients * perPatient / 10_000)).Select(_ => Guid.CreateVersion7()).ToArray();
        await c.ExecuteAsync("INSERT INTO clinicians (practice_id, id, name, time_zone) SELECT @practice, unnest(@clinicians), 'Dr Scale', 'Etc/UTC'", new { practice, clinicians });

        // The generator makes consistent ids itself: skip the per-row foreign-key triggers while it copies (superuser only),
        // and build the secondary btree indexes once afterwards rather than row by row.
        await c.ExecuteAsync("SET session_replication_role = replica; SET maintenance_work_mem = '1GB'");
        var rebuild = await DropSecondaryIndexesAsync(c, "patients", "appointments");
        var random = new Random(patients);
        var ids = new Guid[patients];
        await using (var copy = await c.BeginBinaryImportAsync("COPY patients (practice_id, id, given_name, family_name, date_of_birth, sex) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < patients; i++)
            {
                ids[i] = Guid.CreateVersion7();
                await copy.StartRowAsync();
                await copy.WriteAsync(practice, NpgsqlDbType.Uuid);
                await copy.WriteAsync(ids[i], NpgsqlDbType.Uuid);
                await copy.WriteAsync($"Given{i % 5000}", NpgsqlDbType.Text);
                await copy.WriteAsync(Surnames[random.Next(Surnames.Length)], NpgsqlDbType.Text);
                await copy.WriteAsync(new DateOnly(1930, 1, 1).AddDays(random.Next(30_000)), NpgsqlDbType.Date);
                await copy.WriteAsync("unknown", NpgsqlDbType.Text);
            }
            await copy.CompleteAsync();
        }

        // Each clinician's appointments follow one another (20 minutes every 30), so none overlap.
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        var total = patients * perPatient;
        var perClinician = (total + clinicians.Length - 1) / clinicians.Length;
        Console.Error.WriteLine($"  {patients}: patients copied in {clock.Elapsed.TotalSeconds:F0} s");
        await Task.WhenAll(Enumerable.Range(0, streams).Select(k => CopyAppointmentsAsync(admin, practice, clinicians, ids, start, total, k, streams)));
        Console.Error.WriteLine($"  {patients}: appointments copied in {clock.Elapsed.TotalSeconds:F0} s ({streams} connections)");
        foreach (var statement in rebuild)
        {
            var step = Stopwatch.StartNew();
            await c.ExecuteAsync(statement, commandTimeout: 0);
            Console.Error.WriteLine($"  {patients}: {step.Elapsed.TotalSeconds,4:F0} s {statement}");
        }
        await c.ExecuteAsync("SET session_replication_role = origin");
        return new Practice(practice, [.. Enumerable.Range(0, 1000).Select(_ => ids[random.Next(patients)])], clinicians, start, perClinician);
    }

    /// <summary>
    /// One connection's share of the appointments: the clinicians numbered k modulo the streams, slot by slot across
    /// them, as bookings arrive over weeks. The no-overlap constraint stays in place and checks each row as it comes:
    /// built afterwards, PostgreSQL 15 puts a GiST on uuid together one row at a time on one core (it cannot sort or
    /// parallelise it) and then probes it for every row, about 30 µs a row; kept, the same work spreads over the cores.
    /// </summary>
    private static async Task CopyAppointmentsAsync(string admin, Guid practice, Guid[] clinicians, Guid[] patients, DateTimeOffset start, int total, int k, int streams)
    {
        await using var c = new NpgsqlConnection(admin);
        await c.OpenAsync();
        await c.ExecuteAsync("SET session_replication_role = replica");
        var random = new Random(patients.Length * 31 + k);
        await using var copy = await c.BeginBinaryImportAsync("COPY appointments (practice_id, id, patient_id, clinician_id, starts_at, ends_at) FROM STDIN (FORMAT BINARY)");
        for (var n = 0; n < total; n++)
        {
            var (clinician, slot) = (n % clinicians.Length, n / clinicians.Length);
            if (clinician % streams != k) continue;
            var at = start.AddMinutes(slot * 30);
            await copy.StartRowAsync();
            await copy.WriteAsync(practice, NpgsqlDbType.Uuid);
            await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            await copy.WriteAsync(patients[random.Next(patients.Length)], NpgsqlDbType.Uuid);
            await copy.WriteAsync(clinicians[clinician], NpgsqlDbType.Uuid);
            await copy.WriteAsync(at.UtcDateTime, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(at.AddMinutes(20).UtcDateTime, NpgsqlDbType.TimestampTz);
        }
        await copy.CompleteAsync();
    }

    /// <summary>
    /// As a database that has settled after the load: statistics and the visibility map (index-only scans need it), as
    /// autovacuum leaves them, and the load's dirty pages written out, so no checkpoint flushes gigabytes while timing.
    /// And, as on a server that has been serving a while, the tables and their indexes in the operating system's cache:
    /// the load's gigabytes of index builds push them out, and every first touch would time this VM's disk (two reads
    /// cost a day 0.25 ms at 1M). Shared buffers stay as cold as the load leaves them.
    /// </summary>
    private static async Task SettleAsync(string admin)
    {
        string[] tables = ["patients", "appointments"];
        await using var c = new NpgsqlConnection(admin);
        foreach (var table in tables) await c.ExecuteAsync($"VACUUM (ANALYZE) {table}", commandTimeout: 0);
        await c.ExecuteAsync("CHECKPOINT", commandTimeout: 0, commandType: System.Data.CommandType.Text); // one word: Dapper would take it for a procedure
        await c.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pg_prewarm");
        await c.ExecuteAsync("""
            SELECT pg_prewarm(r, 'read') FROM unnest(@tables::regclass[]) r
            UNION ALL SELECT pg_prewarm(indexrelid, 'read') FROM pg_index WHERE indrelid = ANY (@tables::regclass[])
            """, new { tables }, commandTimeout: 0);
    }

    /// <summary>The practice an earlier run filled with this many patients (--loaded: measure again without loading).</summary>
    private static async Task<Practice> FindAsync(string admin, int patients)
    {
        await using var c = new NpgsqlConnection(admin);
        var practice = await c.QuerySingleAsync<Guid>("SELECT id FROM practices WHERE name = @name", new { name = $"Scale {patients}" });
        var sample = (await c.QueryAsync<Guid>("SELECT id FROM patients WHERE practice_id = @practice ORDER BY random() LIMIT 1000", new { practice })).ToArray();
        var clinicians = (await c.QueryAsync<Guid>("SELECT id FROM clinicians WHERE practice_id = @practice", new { practice })).ToArray();
        var (start, count) = await c.QuerySingleAsync<(DateTime, long)>("SELECT min(starts_at), count(*) FROM appointments WHERE practice_id = @practice", new { practice });
        return new Practice(practice, sample, clinicians, new DateTimeOffset(start, TimeSpan.Zero), (int)(count / clinicians.Length));
    }

    /// <summary>
    /// Drops the tables' indexes other than those behind their primary keys and constraints, and returns the statements
    /// that put them back as they were (read from the catalog, so they follow the migrations).
    /// </summary>
    private static async Task<List<string>> DropSecondaryIndexesAsync(NpgsqlConnection c, params string[] tables)
    {
        var rebuild = new List<string>();
        foreach (var table in tables)
        {
            var indexes = (await c.QueryAsync<(string Name, string Definition)>("""
                SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                WHERE indrelid = @table::regclass AND NOT indisprimary AND NOT EXISTS (SELECT FROM pg_constraint WHERE conindid = indexrelid)
                """, new { table })).ToList();
            foreach (var (name, _) in indexes) await c.ExecuteAsync($"DROP INDEX {name}");
            rebuild.AddRange(indexes.Select(i => i.Definition));
        }
        return rebuild;
    }

    /// <summary>Each hot statement, as the API role inside the practice's tenant, timed on its own.</summary>
    private static async Task<Dictionary<string, (double P50, double P95)>> MeasureAsync(string app, Practice p, int samples, int seed)
    {
        await using var c = new NpgsqlConnection(app);
        await c.OpenAsync();
        var random = new Random(seed);
        var statements = new Dictionary<string, Func<NpgsqlTransaction, Task>>
        {
            ["read"] = tx => c.QueryAsync(Slices.Api.Features.Patients.Get.Data.Read, new { id = p.PatientSample[random.Next(p.PatientSample.Length)] }, tx),
            ["search"] = tx => Search(tx, Surnames[random.Next(Surnames.Length)].ToLowerInvariant()),
            // A prefix a hundred surnames share: a full page of 20 at every size (a whole surname finds 5 at 10 thousand).
            ["page"] = tx => Search(tx, $"surname{random.Next(20):00}"),
            // A clinician's day anywhere in the book (months ahead: mostly outside the cache at 1M), and in the coming
            // fortnight, the days a practice's front desk reads.
            ["day"] = tx => Day(tx, random.Next(Math.Max(1, p.SlotsPerClinician / 48))),
            ["fortnight"] = tx => Day(tx, random.Next(14)),
        };

        Task Search(NpgsqlTransaction tx, string prefix) => c.QueryAsync(Slices.Api.Features.Patients.Search.Data.ByName,
            new { after = Guid.Empty, includeArchived = false, q = prefix, prefix, prefixEnd = prefix + char.ConvertFromUtf32(0x10FFFF), limit = 21 }, tx);

        Task Day(NpgsqlTransaction tx, int day)
        {
            var from = p.Start.AddDays(day);
            var (afterAt, afterId) = Slices.Api.Features.Appointments.List.Data.StartAfter((DateTimeOffset.MinValue, Guid.Empty), from);
            return c.QueryAsync(Slices.Api.Features.Appointments.List.Data.Page, new
            {
                afterAt, afterId, clinicianId = p.Clinicians[random.Next(p.Clinicians.Length)],
                patientId = (Guid?)null, from, to = from.AddDays(1), status = (string?)null, limit = 51,
            }, tx);
        }
        var result = new Dictionary<string, (double, double)>();
        foreach (var (name, run) in statements)
        {
            var times = new double[samples];
            for (var i = -100; i < samples; i++) // the first hundred warm the cache and the prepared statement
            {
                await using var tx = await c.BeginTransactionAsync();
                // As the API runs them: a name search on its generic plan (Db.ReadInTenantAsync's genericPlan).
                await c.ExecuteAsync("SELECT set_config('app.tenant_id', @t, true), set_config('plan_cache_mode', @mode, true)",
                    new { t = p.Id.ToString(), mode = name is "search" or "page" ? "force_generic_plan" : "auto" }, tx);
                var started = Stopwatch.GetTimestamp();
                await run(tx);
                if (i >= 0) times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                await tx.CommitAsync();
            }
            Array.Sort(times);
            result[name] = (times[samples / 2], times[(int)(samples * 0.95)]);
        }
        return result;
    }

    private static string Pair((double P50, double P95) t) => string.Create(CultureInfo.InvariantCulture, $"{t.P50:F2}/{t.P95:F2}");
}
