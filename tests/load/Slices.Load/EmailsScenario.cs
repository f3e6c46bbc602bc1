using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Load;

/// <summary>
/// Bookings with the practice's emails on: every booking's confirmation goes through the outbox, a Hangfire job and
/// SMTP to a relay in the runner (<see cref="FakeSmtp"/>, on --smtp-port, which the API must be configured to use).
/// After --warm-up bookings and their emails, unmeasured (until then the JIT is still compiling the job path), first
/// --bookings flat out by --connections clients (bookings per second, and how fast the confirmations follow
/// and drain), then --rate bookings a second for --paced-seconds (the lag from each booking's 201 to its email
/// at the relay, p50/p95/p99, when the jobs keep up). Each booking in the paced run is for a patient of its own,
/// so each email is matched to its booking by its recipient.
/// </summary>
public static class EmailsScenario
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(HttpClient http, RunOptions options)
    {
        var warmUp = options.Int("warm-up", 1000);
        var bookings = options.Int("bookings", 5000);
        var connections = options.Int("connections", 16);
        var rate = options.Int("rate", 50);
        var paced = rate * options.Int("paced-seconds", 20);
        await using var sink = FakeSmtp.Start(options.Int("smtp-port", 2525));

        var session = await ApiSession.SignUpAsync(http);
        var clinicians = await BenchScenario.BookingCliniciansAsync(session);
        var patients = new Guid[Math.Max(paced, 100)];
        await Parallel.ForAsync(0, patients.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            patients[i] = await session.CreateAsync("/api/v1/patients",
                new { givenName = "Mail", familyName = $"Patient{i}", dateOfBirth = "1980-01-01", email = Address(i) }, "create a patient"));
        var from = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero); // past the reminders' 24 hours: those wait

        Task<Guid> BookAsync(int n) => session.CreateAsync("/api/v1/appointments", BenchScenario.Booked(patients, clinicians, from, n), "book");

        await Parallel.ForAsync(0, warmUp, new ParallelOptions { MaxDegreeOfParallelism = connections }, async (n, _) => await BookAsync(n));
        await UntilAsync(() => sink.Arrivals.Count >= warmUp);
        var warmed = sink.Arrivals.Count;

        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(warmUp, warmUp + bookings, new ParallelOptions { MaxDegreeOfParallelism = connections }, async (n, _) => await BookAsync(n));
        var booked = clock.Elapsed;
        var flatEmails = sink.Arrivals.Count - warmed;
        await UntilAsync(() => sink.Arrivals.Count >= warmed + bookings);
        var drained = clock.Elapsed;
        var flatArrivals = sink.Arrivals.Skip(warmed).ToList();
        var flowing = flatArrivals.Count > 1 ? (flatArrivals.Max(a => a.At) - flatArrivals.Min(a => a.At)).TotalSeconds : 0;

        var bookedAt = new ConcurrentDictionary<string, DateTimeOffset>();
        var next = (warmUp + bookings + patients.Length - 1) / patients.Length * patients.Length; // booking next + i is for patient i
        var pacing = Stopwatch.StartNew();
        await Parallel.ForAsync(0, paced, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, connections / 4) }, async (i, ct) =>
        {
            var at = TimeSpan.FromSeconds((double)i / rate);
            if (pacing.Elapsed < at) await Task.Delay(at - pacing.Elapsed, ct);
            await BookAsync(next + i);
            bookedAt[Address(i)] = DateTimeOffset.UtcNow;
        });
        await UntilAsync(() => sink.Arrivals.Count >= warmed + bookings + paced);
        var lags = sink.Arrivals.Skip(warmed + flatArrivals.Count)
            .Where(a => bookedAt.ContainsKey(a.Recipient)).Select(a => (a.At - bookedAt[a.Recipient]).TotalMilliseconds).Order().ToArray();
        double P(double q) => lags.Length == 0 ? 0 : Math.Round(lags[Math.Min(lags.Length - 1, (int)(q * lags.Length))], 1);

        var flat = new
        {
            Bookings = bookings,
            BookingsPerSecond = Math.Round(bookings / booked.TotalSeconds),
            EmailsWhileBooking = flatEmails,
            Emails = flatArrivals.Count,
            EmailsPerSecond = flowing > 0 ? Math.Round(flatArrivals.Count / flowing) : 0,
            DrainSecondsAfterBooking = Math.Round((drained - booked).TotalSeconds, 1),
        };
        var pacedRun = new { Rate = rate, Bookings = paced, Emails = lags.Length, P50Ms = P(0.5), P95Ms = P(0.95), P99Ms = P(0.99) };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"flat out:  {bookings} bookings at {flat.BookingsPerSecond:F0}/s ({connections} connections); {flatEmails} of their emails had arrived when the last was booked, {flat.Emails} in all, {flat.EmailsPerSecond:F0}/s while flowing, the last {flat.DrainSecondsAfterBooking:F1} s after the last booking"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rate}/s:     {lags.Length} of {paced} emails; from the booking's 201 to the relay p50/p95/p99 {pacedRun.P50Ms}/{pacedRun.P95Ms}/{pacedRun.P99Ms} ms"));
        await Report.WriteJsonAsync(options.JsonPath, new { Scenario = "emails", FlatOut = flat, Paced = pacedRun });
        return flat.Emails == bookings && lags.Length == paced ? 0 : 1;
    }

    private static string Address(int patient) => $"patient{patient}@mail.load.example";

    private static async Task UntilAsync(Func<bool> done)
    {
        var waiting = Stopwatch.StartNew();
        while (!done() && waiting.Elapsed < Patience) await Task.Delay(50);
    }
}
