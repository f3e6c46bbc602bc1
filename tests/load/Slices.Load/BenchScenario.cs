using System.Globalization;
using System.Net.Http.Headers;

namespace Slices.Load;

/// <summary>
/// The product against its baseline, endpoint by endpoint: runs interleaved (baseline, baseline with the rate-limit
/// call, product; three rounds), medians of throughput, the ratio to the baseline, the limiter's cost, the server's
/// CPU per request, then latency at a fixed arrival rate of half the baseline's maximum. With --against-url, another
/// build of the API on the same database and Redis runs in each round too, so two builds are compared minutes apart
/// on one host instead of hours apart on hosts that differ.
/// </summary>
public static class BenchScenario
{
    private sealed record Target(string Name, Func<long, string> Product, Func<long, string> Baseline);

    /// <summary>A practice that takes bookings: its admin's token, twenty clinicians working around the clock, and patients.</summary>
    private sealed record BookingPractice(ApiSession Admin, Guid[] Clinicians, Guid[] Patients);

    /// <summary>Where the bookings go (one practice, or several in turn) and from when; and the read mix's availability query.</summary>
    private sealed record Booking(BookingPractice[] Practices, DateTimeOffset From, string Availability);

    public static async Task<int> RunAsync(HttpClient http, RunOptions options)
    {
        if (!options.Extra.TryGetValue("baseline-url", out var baselineUrl)) throw new ArgumentException("--baseline-url is required");
        var connections = options.Int("connections", 32);
        var rounds = options.Int("rounds", 3);
        var runFor = TimeSpan.FromSeconds(options.Seconds);
        // Long enough for the JIT's tiering to settle on each endpoint's path: with 2 s, the API's tiered-compilation
        // thread still took 15% of its CPU through the measured runs, the bare baseline (far less code) much less.
        var warmUp = TimeSpan.FromSeconds(options.Int("warm-up", 15));
        int? Pid(string name) => options.Extra.ContainsKey(name) ? options.Int(name, 0) : null;
        var (api, bare) = (new Meter(Pid("api-pid"), Pid("postgres-pid"), AllocatedBytes.From(options.Extra, "api-allocated-url")),
            new Meter(Pid("baseline-pid"), Pid("postgres-pid"), AllocatedBytes.From(options.Extra, "baseline-allocated-url")));
        var otherMeter = new Meter(Pid("against-pid"), Pid("postgres-pid"), AllocatedBytes.From(options.Extra, "against-allocated-url"));
        var otherName = options.Extra.GetValueOrDefault("against-label", "the other build");
        var only = options.Extra.TryGetValue("only", out var names) ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null;
        bool Wanted(string name) => only is null || only.Contains(name, StringComparer.Ordinal);

        Console.WriteLine($"seeding a practice through {options.BaseUrl} ...");
        // One practice is the hardest case (its bookings queue on its one event chain); ten, a deployment's spread.
        var bookingPractices = Counts(options.Extra.GetValueOrDefault("booking-practices", "1,10"));
        var bookingConnections = Counts(options.Extra.GetValueOrDefault("booking-connections", "8,32"));
        var (session, targets, booking) = await SeedAsync(http, options.Int("patients", 500), Wanted("booking") ? bookingPractices.Max() : 1);
        if (options.Extra.TryGetValue("database", out var database)) await SettleAsync(database);
        using var stopRefreshing = new CancellationTokenSource();
        var refreshing = KeepSignedInAsync(booking.Practices.Select(p => p.Admin).Distinct().ToArray(), stopRefreshing.Token);
        using var product = Client(options.BaseUrl, connections, session);
        using var baseline = Client(new Uri(baselineUrl), connections, null);
        using var other = options.Extra.TryGetValue("against-url", out var otherUrl) ? Client(new Uri(otherUrl), connections, session) : null;
        // Arrivals at a fixed rate open as many connections as their requests need, as independent clients would: capped
        // at --connections, a request that found them all busy waited in the runner, and that wait counted as latency.
        using var productArrivals = Client(options.BaseUrl, ArrivalConnections, session);
        using var baselineArrivals = Client(new Uri(baselineUrl), ArrivalConnections, null);
        using var otherArrivals = other is null ? null : Client(new Uri(otherUrl!), ArrivalConnections, session);
        // p99 over one 10 s run moves with the host's hiccups; more rounds give the median run of each.
        var fixedRounds = options.Int("fixed-rounds", 1);
        // Each app's throughput at a second, wider concurrency too. At --connections the product's closed loop waits on
        // each read's durable access-log row and leaves the cores partly idle, while the bare baseline gains nothing
        // from more clients: its maximum and the product's come at different concurrencies.
        var wide = options.Int("capacity-connections", 128);
        if (wide == connections) wide = 0;
        using var productWide = wide > 0 ? Client(options.BaseUrl, wide, session) : null;
        using var baselineWide = wide > 0 ? Client(new Uri(baselineUrl), wide, null) : null;

        var rows = new List<object>();
        Console.WriteLine($"{connections} connections, {runFor.TotalSeconds:0} s per run, {rounds} rounds (B, then B and B+limiter in turns within one run, in turn first; {(other is null ? "P" : $"then P and {otherName}, each first in every other round")}{(wide > 0 ? $"; then B and P at {wide} connections" : "")})");
        Console.WriteLine($"{"endpoint",-9} {"base/s",9} {"prod/s",9} {"ratio",6} {"limiter",8} {"prod µs",8} {"base µs",8} {"db µs",6} {"bdb µs",6} {"prod KB",7} {"base KB",7} {"hits",5} | fixed rate {"",5} {"base p50/p95/p99 ms",22} {"prod p50/p95/p99 ms",22}");
        foreach (var target in targets.Where(t => Wanted(t.Name)))
        {
            // Warm up both alike, the baseline with and without the limiter (its code, Redis client included, was still
            // being compiled through the first limited run: the profile showed it at its first tier).
            await Drive.ClosedLoopAsync(baseline, i => Get((i % 2 == 0 ? "" : "/rl") + target.Baseline(i)), connections, warmUp, Meter.None);
            await Drive.ClosedLoopAsync(product, i => Get(target.Product(i)), connections, warmUp, Meter.None);
            if (other is not null) await Drive.ClosedLoopAsync(other, i => Get(target.Product(i)), connections, warmUp, Meter.None);
            if (wide > 0)
            {
                await Drive.ClosedLoopAsync(baselineWide!, i => Get(target.Baseline(i)), wide, WarmArrivals, Meter.None); // opens their connections
                await Drive.ClosedLoopAsync(productWide!, i => Get(target.Product(i)), wide, WarmArrivals, Meter.None);
            }
            var (b, r, p, o) = (new List<RunResult>(), new List<RunResult>(), new List<RunResult>(), new List<RunResult>());
            var unlimited = new List<RunResult>(); // the baseline's turns beside the limiter's
            var (bw, pw) = (new List<RunResult>(), new List<RunResult>());
            for (var round = 0; round < rounds; round++)
            {
                // The limiter's cost: B and B+limiter in turns of a fifth of a second within one run, each first in every
                // other round. As separate runs the column read anything from -7 to 22 % for the same build.
                async Task Bare() => b.Add(await Drive.ClosedLoopAsync(baseline, i => Get(target.Baseline(i)), connections, runFor, bare));
                async Task Limited()
                {
                    Func<long, HttpRequestMessage> plain = i => Get(target.Baseline(i)), limited = i => Get("/rl" + target.Baseline(i));
                    var (first, second) = await Drive.InTurnsAsync(baseline, round % 2 == 0 ? plain : limited, round % 2 == 0 ? limited : plain, connections, runFor, LimiterTurn);
                    unlimited.Add(round % 2 == 0 ? first : second);
                    r.Add(round % 2 == 0 ? second : first);
                }
                if (round % 2 == 0) { await Bare(); await Limited(); }
                else { await Limited(); await Bare(); }
                // The two builds take turns to go first: with the other always last, a calibration against the same
                // code (--against HEAD) gave it 15 % more throughput, and a fixed order may bias every comparison.
                async Task RunOther() => o.Add(await Drive.ClosedLoopAsync(other!, i => Get(target.Product(i)), connections, runFor, otherMeter));
                var otherFirst = other is not null && round % 2 == 1;
                if (otherFirst) await RunOther();
                p.Add(await Drive.ClosedLoopAsync(product, i => Get(target.Product(i)), connections, runFor, api));
                if (other is not null && !otherFirst) await RunOther();
                if (wide == 0) continue;
                async Task BareWide() => bw.Add(await Drive.ClosedLoopAsync(baselineWide!, i => Get(target.Baseline(i)), wide, runFor, bare));
                async Task ProductWide() => pw.Add(await Drive.ClosedLoopAsync(productWide!, i => Get(target.Product(i)), wide, runFor, api));
                if (round % 2 == 0) { await BareWide(); await ProductWide(); }
                else { await ProductWide(); await BareWide(); }
            }
            var (bRate, pRate) = (Median(b, x => x.PerSecond), Median(p, x => x.PerSecond));
            var limiterCosts = r.Zip(unlimited, (limited, plain) => (Cost: 1 - limited.PerSecond / plain.PerSecond, Plain: plain.PerSecond, Limited: limited.PerSecond)).ToArray();
            var limiterCost = limiterCosts.Select(c => c.Cost).Order().ElementAt(limiterCosts.Length / 2);
            var (bWide, pWide) = wide > 0 ? (Median(bw, x => x.PerSecond), Median(pw, x => x.PerSecond)) : (0, 0);
            var (bBest, pBest) = (Math.Max(bRate, bWide), Math.Max(pRate, pWide));
            // Half the baseline's maximum, at whichever concurrency it came; --fixed-rate pins it, so that runs comparing a
            // setting are not also at different rates (the maximum moves by 15 % between identical runs).
            var rate = options.Int("fixed-rate", 0) is > 0 and var pinned ? pinned : bBest / 2;
            // Their connections opened beforehand, so the percentiles are the server's, not a burst of TCP handshakes.
            await Drive.ClosedLoopAsync(baselineArrivals, i => Get(target.Baseline(i)), WarmArrivalConnections, WarmArrivals, Meter.None);
            await Drive.ClosedLoopAsync(productArrivals, i => Get(target.Product(i)), WarmArrivalConnections, WarmArrivals, Meter.None);
            if (otherArrivals is not null) await Drive.ClosedLoopAsync(otherArrivals, i => Get(target.Product(i)), WarmArrivalConnections, WarmArrivals, Meter.None);
            var (bl, pl, ol) = (new List<RunResult>(), new List<RunResult>(), new List<RunResult>());
            for (var round = 0; round < fixedRounds; round++)
            {
                bl.Add(await Drive.OpenLoopAsync(baselineArrivals, i => Get(target.Baseline(i)), rate, runFor, bare));
                async Task OtherArrives() => ol.Add(await Drive.OpenLoopAsync(otherArrivals!, i => Get(target.Product(i)), rate, runFor, otherMeter));
                var otherFirst = otherArrivals is not null && round % 2 == 1;
                if (otherFirst) await OtherArrives();
                pl.Add(await Drive.OpenLoopAsync(productArrivals, i => Get(target.Product(i)), rate, runFor, api));
                if (otherArrivals is not null && !otherFirst) await OtherArrives();
            }
            var (bLatency, pLatency) = (MedianRun(bl), MedianRun(pl));
            var errors = b.Concat(r).Concat(unlimited).Concat(p).Concat(o).Concat(bw).Concat(pw).Concat(bl).Concat(pl).Concat(ol).Sum(x => x.Errors);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{target.Name,-9} {bRate,9:F0} {pRate,9:F0} {pRate / bRate,6:F2} {limiterCost,8:P0} {Median(p, x => x.CpuMicrosPerRequest ?? 0),8:F0} {Median(b, x => x.CpuMicrosPerRequest ?? 0),8:F0} {Median(p, x => x.DbCpuMicrosPerRequest ?? 0),6:F0} {Median(b, x => x.DbCpuMicrosPerRequest ?? 0),6:F0} {Kb(p),7} {Kb(b),7} {Median(p, x => x.HitRate),5:P0} | {rate,9:F0}/s {Triple(bLatency),22} {Triple(pLatency),22}{(errors > 0 ? $"  errors: {errors}" : "")}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  limiter, each round in turns with the bare baseline: {string.Join(", ", limiterCosts.Select(c => $"{c.Cost:P0} ({c.Plain:F0}/{c.Limited:F0})"))}"));
            object? capacity = null;
            if (wide > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  at {wide} connections: base {bWide:F0}/s, prod {pWide:F0}/s, ratio {pWide / bWide:F2}, {Median(pw, x => x.CpuMicrosPerRequest ?? 0):F0} µs against {Median(bw, x => x.CpuMicrosPerRequest ?? 0):F0} (runs: {Rates(bw)} / {Rates(pw)}); each at its best: {pBest:F0}/s against {bBest:F0}/s, ratio {pBest / bBest:F2}"));
                capacity = new { Connections = wide, BaselinePerSecond = Math.Round(bWide), ProductPerSecond = Math.Round(pWide), Ratio = Math.Round(pWide / bWide, 3), BestRatio = Math.Round(pBest / bBest, 3), Runs = new { Baseline = bw, Product = pw } };
            }
            object? against = null;
            if (other is not null)
            {
                var (oRate, oCpu, pCpu) = (Median(o, x => x.PerSecond), Median(o, x => x.CpuMicrosPerRequest ?? 0), Median(p, x => x.CpuMicrosPerRequest ?? 0));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {otherName}: {oRate:F0}/s, ratio {oRate / bRate:F2}, {oCpu:F0} µs; this build does {pRate / oRate:P0} of its throughput at {pCpu / oCpu:P0} of its CPU per request, allocating {Kb(p)} KB per request against {Kb(o)} (runs: {Rates(p)} against {Rates(o)}); at the fixed rate p50/p95/p99 {Triple(MedianRun(ol))} ms against this build's {Triple(pLatency)} (p99 of each run: {P99s(pl)} against {P99s(ol)})"));
                against = new { Label = otherName, PerSecond = Math.Round(oRate), Ratio = Math.Round(oRate / bRate, 3), CpuMicrosPerRequest = Math.Round(oCpu), Runs = o, FixedRate = MedianRun(ol), FixedRateRuns = ol };
            }
            rows.Add(new
            {
                Endpoint = target.Name,
                BaselinePerSecond = Math.Round(bRate),
                ProductPerSecond = Math.Round(pRate),
                Ratio = Math.Round(pRate / bRate, 3),
                LimiterCost = Math.Round(limiterCost, 3),
                ProductCpuMicrosPerRequest = Math.Round(Median(p, x => x.CpuMicrosPerRequest ?? 0)),
                BaselineCpuMicrosPerRequest = Math.Round(Median(b, x => x.CpuMicrosPerRequest ?? 0)),
                ProductDbCpuMicrosPerRequest = Math.Round(Median(p, x => x.DbCpuMicrosPerRequest ?? 0)),
                BaselineDbCpuMicrosPerRequest = Math.Round(Median(b, x => x.DbCpuMicrosPerRequest ?? 0)),
                ProductAllocatedBytesPerRequest = AllocatedMedian(p),
                BaselineAllocatedBytesPerRequest = AllocatedMedian(b),
                ProductHitRate = Math.Round(Median(p, x => x.HitRate), 3),
                FixedRatePerSecond = Math.Round(rate),
                Baseline = bLatency,
                Product = pLatency,
                Runs = new { Baseline = b, Limiter = r, BaselineInTurnsWithLimiter = unlimited, Product = p },
                FixedRateRuns = new { Baseline = bl, Product = pl },
                Errors = errors,
                Capacity = capacity,
                Against = against,
            });
        }

        // The read mix as an app sees it: patient reads, searches, a clinician's day and their availability, interleaved.
        RunResult? mix = null;
        if (Wanted("mix"))
        {
            string[] Mix(long i) => [targets[0].Product(i), targets[1].Product(i), targets[2].Product(i), booking.Availability];
            var weights = new[] { 0, 0, 0, 0, 1, 1, 2, 3 }; // 50% patient reads, 25% searches, 12.5% days, 12.5% availability
            await Drive.ClosedLoopAsync(product, i => Get(Mix(i)[weights[i % weights.Length]]), connections, warmUp, Meter.None);
            mix = await Drive.ClosedLoopAsync(product, i => Get(Mix(i)[weights[i % weights.Length]]), connections, runFor, api);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read mix: {mix.PerSecond:F0}/s, p50/p95/p99 {Triple(mix)} ms, cache hit rate {mix.HitRate:P1}, {mix.CpuMicrosPerRequest:F0} µs server and {mix.DbCpuMicrosPerRequest:F0} µs database CPU each, {mix.Errors} errors"));
        }

        var crypto = CacheCrypto.Measure();
        Console.WriteLine(CacheCrypto.Describe(crypto));

        // Sustained booking: every request a distinct slot, spread over the clinicians (no baseline: it is a write). At
        // a few client concurrencies, as a practice's bookings queue on its event chain at commit; for each count in
        // --booking-practices, the bookings go to that many practices in turn, as a deployment serving many practices
        // takes them (each practice's chain is its own).
        var bookings = new List<object>();
        if (Wanted("booking"))
        {
            // Warm up on slots of its own, long enough for the JIT's tiering to settle on the booking path (at 5 s the
            // first run still paid for it: 1100 µs of API CPU per booking instead of 700).
            await Drive.ClosedLoopAsync(product, n => Book(booking, n), connections, warmUp, Meter.None);
            foreach (var (count, phase) in bookingPractices.Select((count, phase) => (count, phase)))
            {
                var spread = booking with { Practices = booking.Practices[..count] };
                var offset = (phase + 1) * 2_000_000L * count; // each phase books later slots than the one before, in every practice
                foreach (var concurrency in bookingConnections)
                {
                    var from = offset;
                    var run = await Drive.ClosedLoopAsync(product, n => Book(spread, from + n), concurrency, runFor, api);
                    offset += run.Requests + run.Errors + concurrency;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"booking, {concurrency,3} connections{Over(spread)}: {run.PerSecond:F0}/s sustained, p50/p95/p99 {Triple(run)} ms, {run.CpuMicrosPerRequest:F0} µs server and {run.DbCpuMicrosPerRequest:F0} µs database CPU and {Kb([run])} KB allocated each, {run.Errors} not 201"));
                    bookings.Add(new { Connections = concurrency, Practices = count, Result = run });
                }
            }
        }
        await stopRefreshing.CancelAsync();
        await refreshing;
        await Report.WriteJsonAsync(options.JsonPath, new { Scenario = "bench", Connections = connections, SecondsPerRun = runFor.TotalSeconds, Rounds = rounds, Endpoints = rows, ReadMix = mix, CacheCrypto = new { crypto.EncryptMicros, crypto.DecryptMicros, crypto.Bytes }, Booking = bookings });
        return 0;
    }

    private static readonly object[] AroundTheClock = [.. Enumerable.Range(1, 7).Select(d => new { weekday = d, starts = "00:00:00", ends = "23:59:00" })];

    private static async Task<(ApiSession Session, IReadOnlyList<Target> Targets, Booking Booking)> SeedAsync(HttpClient http, int patients, int bookingPractices)
    {
        var session = await ApiSession.SignUpAsync(http);
        var clinician = await session.CreateAsync("/api/v1/clinicians", new { name = "Dr Bench", timeZone = "Etc/UTC", workingHours = AroundTheClock }, "create a clinician");
        var bookingClinicians = await BookingCliniciansAsync(session);
        var ids = new List<Guid>();
        for (var i = 0; i < patients; i++)
            ids.Add(await session.CreateAsync("/api/v1/patients", new { givenName = $"Bench{i}", familyName = $"Patient{i % 50:00}", dateOfBirth = "1980-01-01", sex = "unknown" }, "create a patient"));
        var day = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(10), TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
            await session.CreateAsync("/api/v1/appointments", new { patientId = ids[i], clinicianId = clinician, startsAt = day.AddMinutes(i * 30), endsAt = day.AddMinutes(i * 30 + 20) }, "book");

        var practice = session.PracticeId;
        var (from, to) = (Uri.EscapeDataString(day.ToString("O", CultureInfo.InvariantCulture)), Uri.EscapeDataString(day.AddDays(1).ToString("O", CultureInfo.InvariantCulture)));
        var others = new List<BookingPractice>();
        for (var p = 1; p < bookingPractices; p++)
        {
            var other = await ApiSession.SignUpAsync(http);
            var clinicians = await BookingCliniciansAsync(other);
            var otherPatients = new List<Guid>();
            for (var i = 0; i < 20; i++)
                otherPatients.Add(await other.CreateAsync("/api/v1/patients", new { givenName = $"Booker{i}", familyName = $"Practice{p}", dateOfBirth = "1980-01-01", sex = "unknown" }, "create a patient"));
            others.Add(new BookingPractice(other, clinicians, [.. otherPatients]));
        }
        var booking = new Booking([new BookingPractice(session, bookingClinicians, [.. ids]), .. others], new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero),
            $"/api/v1/clinicians/{clinician}/availability?from={from}&to={to}&duration=30");
        return (session,
        [
            new Target("patient", i => $"/api/v1/patients/{ids[(int)(i % ids.Count)]}", i => $"/patients/{practice}/{ids[(int)(i % ids.Count)]}"),
            new Target("search", i => $"/api/v1/patients?q=patient{i % 50:00}&limit=20", i => $"/patients/{practice}?q=patient{i % 50:00}"),
            new Target("day", _ => $"/api/v1/appointments?clinicianId={clinician}&from={from}&to={to}&limit=50", _ => $"/appointments/{practice}/{clinician}?from={from}&to={to}"),
        ], booking);
    }

    /// <summary>
    /// The database as a live one is a minute later. Statistics and the visibility map, as autovacuum leaves them:
    /// without, the planner takes the fresh tables for empty (the baseline's search read all 500 patients through an
    /// unrelated index), until autovacuum analyzes them at whatever point of the runs it gets to. And WAL segments to
    /// reuse: a new cluster creates each 16 MB segment as its WAL grows, zero-filled and synced while every commit
    /// waits, every few seconds under the reads' access-log rows; a live server reuses those its checkpoints recycled.
    /// Each creation held up the access-log writes for tens of milliseconds: the product's p99 at the fixed rate was 43
    /// to 90 ms with them, 17 to 49 without (2026-12-07).
    /// </summary>
    private static async Task SettleAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        foreach (var sql in new[]
        {
            "VACUUM (ANALYZE)",
            // As many segments as max_wal_size (1 GB by default) allows to keep; the checkpoint then recycles them ahead.
            """
            SELECT count(*) FROM (SELECT pg_logical_emit_message(false, 'slices-bench', ''), pg_switch_wal()
            FROM generate_series(1, (SELECT setting::bigint * 1024 * 1024 FROM pg_settings WHERE name = 'max_wal_size')
                                    / (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'))) s
            """,
            "CHECKPOINT",
        })
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync();
        }
    }

    private static string Rates(IEnumerable<RunResult> runs) => string.Join(" ", runs.Select(x => x.PerSecond.ToString("F0", CultureInfo.InvariantCulture)));

    private const int ArrivalConnections = 1024;
    private static readonly TimeSpan LimiterTurn = TimeSpan.FromMilliseconds(200);
    private const int WarmArrivalConnections = 128;
    private static readonly TimeSpan WarmArrivals = TimeSpan.FromSeconds(2);

    private static HttpClient Client(Uri baseUrl, int connections, ApiSession? session)
    {
        HttpMessageHandler sockets = new SocketsHttpHandler { MaxConnectionsPerServer = connections, ActivityHeadersPropagator = null };
        return new HttpClient(session is null ? sockets : new Bearer(session, sockets)) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Signs each request that carries no token of its own with the session's current one.</summary>
    private sealed class Bearer(ApiSession session, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", session.AccessToken);
            return base.SendAsync(request, ct);
        }
    }

    /// <summary>
    /// Refreshes the sessions at half their tokens' lifetime until stopped: a full run outlasts an access token (until
    /// 2026-12-07, late, every request after the first quarter of an hour was a 401).
    /// </summary>
    private static async Task KeepSignedInAsync(IReadOnlyList<ApiSession> sessions, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(sessions.Min(s => s.ExpiresIn) / 2, stop);
                foreach (var session in sessions) await session.RefreshAsync();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static int[] Counts(string list) => [.. list.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))];

    /// <summary>Twenty clinicians working around the clock, so that any slot books.</summary>
    internal static async Task<Guid[]> BookingCliniciansAsync(ApiSession session)
    {
        var clinicians = new Guid[20];
        for (var i = 0; i < clinicians.Length; i++)
            clinicians[i] = await session.CreateAsync("/api/v1/clinicians", new { name = $"Dr Booking {i}", timeZone = "Etc/UTC", workingHours = AroundTheClock }, "create a clinician");
        return clinicians;
    }

    private static string Over(Booking b) => b.Practices.Length > 1 ? $" over {b.Practices.Length} practices" : " in one practice";

    /// <summary>
    /// The n-th booking: practice n mod N (as its admin), and in it the m-th booking (m = n div N) with clinician
    /// m mod 20, in its own 15-minute slot (10 minutes long), so none overlap.
    /// </summary>
    private static HttpRequestMessage Book(Booking b, long n)
    {
        var practice = b.Practices[n % b.Practices.Length];
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Booked(practice.Patients, practice.Clinicians, b.From, n / b.Practices.Length)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", practice.Admin.AccessToken);
        return request;
    }

    /// <summary>
    /// The body of a practice's m-th booking from <paramref name="from"/>: clinician m mod their count, in its own
    /// 15-minute slot (10 minutes long), for patient m mod theirs. No two m overlap.
    /// </summary>
    internal static object Booked(Guid[] patients, Guid[] clinicians, DateTimeOffset from, long m)
    {
        var startsAt = from.AddMinutes(15 * (m / clinicians.Length));
        return new { patientId = patients[m % patients.Length], clinicianId = clinicians[m % clinicians.Length], startsAt, endsAt = startsAt.AddMinutes(10) };
    }

    /// <summary>The fixed-rate run with the median p99 (its other percentiles with it).</summary>
    private static RunResult MedianRun(List<RunResult> runs) => runs.OrderBy(r => r.P99Ms).ElementAt(runs.Count / 2);

    private static string P99s(IEnumerable<RunResult> runs) => string.Join(" ", runs.Select(x => x.P99Ms.ToString("F1", CultureInfo.InvariantCulture)));

    private static double Median(List<RunResult> runs, Func<RunResult, double> value) => runs.Select(value).Order().ElementAt(runs.Count / 2);

    private static double? AllocatedMedian(List<RunResult> runs) =>
        runs.All(r => r.AllocatedBytesPerRequest is not null) && runs.Count > 0 ? Math.Round(Median(runs, r => r.AllocatedBytesPerRequest!.Value)) : null;

    private static string Kb(List<RunResult> runs) =>
        AllocatedMedian(runs) is { } bytes ? (bytes / 1024).ToString("F1", CultureInfo.InvariantCulture) : "-";

    private static string Triple(RunResult r) => string.Create(CultureInfo.InvariantCulture, $"{r.P50Ms:F1}/{r.P95Ms:F1}/{r.P99Ms:F1}");
}
