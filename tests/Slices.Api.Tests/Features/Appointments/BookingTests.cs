using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Appointments;

public sealed class BookingTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Booking_inside_working_hours_answers_201_and_the_appointment()
    {
        var clinic = await Clinic.OpenAsync(app);

        var response = await clinic.BookAsync(Clinic.Slot(10));

        var booked = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("scheduled", booked.GetProperty("status").GetString());
        Assert.Equal(Clinic.Slot(10), booked.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Fifty_concurrent_overlapping_bookings_give_exactly_one_201_and_409s_naming_it()
    {
        var clinic = await Clinic.OpenAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => clinic.BookAsync(Clinic.Slot(11, i % 20), 30)));

        var winner = Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        var winnerId = (await winner.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        foreach (var loser in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict).Take(5))
            Assert.Equal(winnerId, (await loser.AssertProblemAsync(409)).GetProperty("conflictingAppointmentId").GetGuid());
    }

    [Fact]
    public async Task Concurrent_bookings_in_one_practice_each_get_their_own_answer_and_only_the_201s_are_kept()
    {
        var clinic = await Clinic.OpenAsync(app);
        var slots = Enumerable.Range(0, 12).Select(i => Clinic.Slot(9, 30 * i)).ToList();

        // Twelve free slots asked for three times each, among bookings for no such patient and out of hours: the
        // changes that commit together must not take each other's answers, nor keep a refused one.
        var requests = slots.SelectMany(slot => Enumerable.Repeat(slot, 3)).Select(slot => (Expected: 0, Task: clinic.BookAsync(slot)))
            .Concat(Enumerable.Range(0, 6).Select(i => (Expected: 404, Task: clinic.BookAsync(Clinic.Slot(16, 5 * i), 5, Guid.CreateVersion7()))))
            .Concat(Enumerable.Range(0, 6).Select(i => (Expected: 422, Task: clinic.BookAsync(Clinic.Slot(18, 5 * i), 5))))
            .ToList();
        await Task.WhenAll(requests.Select(r => r.Task));

        foreach (var (expected, task) in requests.Where(r => r.Expected != 0)) await (await task).AssertProblemAsync(expected);
        var slotAnswers = requests.Where(r => r.Expected == 0).Select(r => r.Task.Result).ToList();
        Assert.Equal([(HttpStatusCode.Created, 12), (HttpStatusCode.Conflict, 24)],
            slotAnswers.GroupBy(r => r.StatusCode).Select(g => (g.Key, g.Count())).Order());
        var booked = new List<DateTimeOffset>();
        foreach (var created in slotAnswers.Where(r => r.StatusCode == HttpStatusCode.Created))
        {
            var id = (await created.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            var stored = await (await clinic.Admin.GetAsync($"/api/v1/appointments/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
            booked.Add(stored.GetProperty("startsAt").GetDateTimeOffset());
        }
        Assert.Equal(slots, booked.Order());
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var kept = await owner.QuerySingleAsync<(long Appointments, long Events)>("""
            SELECT (SELECT count(*) FROM appointments WHERE practice_id = @p),
                   (SELECT count(*) FROM events WHERE practice_id = @p AND type = 'appointment.scheduled')
            """, new { p = clinic.Practice.PracticeId });
        Assert.Equal((12L, 12L), kept);
        var audit = await (await clinic.Admin.GetAsync("/api/v1/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(audit.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task A_retried_booking_with_its_Idempotency_Key_books_once_and_replays_the_first_answer()
    {
        var clinic = await Clinic.OpenAsync(app);
        Task<HttpResponseMessage> Book(string key, DateTimeOffset startsAt)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/appointments")
            {
                Content = JsonContent.Create(new { patientId = clinic.PatientId, clinicianId = clinic.ClinicianId, startsAt, endsAt = startsAt.AddMinutes(30) }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return clinic.Admin.SendAsync(request, Ct);
        }
        var key = Guid.NewGuid().ToString();

        var first = await Book(key, Clinic.Slot(10));
        var retry = await Book(key, Clinic.Slot(10));
        var rival = await Book(Guid.NewGuid().ToString(), Clinic.Slot(10, 15));

        var booked = await first.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(booked.GetProperty("id").GetGuid(), (await retry.JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        Assert.Equal(booked.GetProperty("id").GetGuid(), (await rival.AssertProblemAsync(409)).GetProperty("conflictingAppointmentId").GetGuid());
    }

    [Fact]
    public async Task Outside_working_hours_or_in_time_off_is_422()
    {
        var clinic = await Clinic.OpenAsync(app);
        var timeOff = await clinic.Admin.PostAsJsonAsync($"/api/v1/clinicians/{clinic.ClinicianId}/time-off",
            new { startsAt = Clinic.Slot(13), endsAt = Clinic.Slot(15), reason = "Training" }, Ct);
        Assert.Equal(HttpStatusCode.Created, timeOff.StatusCode);

        await (await clinic.BookAsync(Clinic.Slot(7))).AssertProblemAsync(422);
        await (await clinic.BookAsync(Clinic.Slot(16, 45))).AssertProblemAsync(422);
        await (await clinic.BookAsync(Clinic.Slot(14))).AssertProblemAsync(422);
        Assert.Equal(HttpStatusCode.Created, (await clinic.BookAsync(Clinic.Slot(15))).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(481)]
    public async Task Ends_must_follow_starts_within_8_hours(int minutes)
    {
        var clinic = await Clinic.OpenAsync(app);

        await (await clinic.BookAsync(Clinic.Slot(9), minutes)).AssertProblemAsync(400);
    }

    [Fact]
    public async Task Another_practices_patient_or_clinician_is_404()
    {
        var clinic = await Clinic.OpenAsync(app);
        var other = await Clinic.OpenAsync(app);

        var otherPatient = await clinic.BookAsync(Clinic.Slot(10), patientId: other.PatientId);
        var otherClinician = await other.Admin.PostAsJsonAsync("/api/v1/appointments",
            new { patientId = other.PatientId, clinicianId = clinic.ClinicianId, startsAt = Clinic.Slot(10), endsAt = Clinic.Slot(10, 30) }, Ct);

        await otherPatient.AssertProblemAsync(404);
        await otherClinician.AssertProblemAsync(404);
    }

    [Fact]
    public async Task Availability_leaves_out_booked_slots_and_time_off()
    {
        var clinic = await Clinic.OpenAsync(app);
        await clinic.BookAsync(Clinic.Slot(9, 30));
        await clinic.Admin.PostAsJsonAsync($"/api/v1/clinicians/{clinic.ClinicianId}/time-off", new { startsAt = Clinic.Slot(12), endsAt = Clinic.Slot(17) }, Ct);

        var availability = await (await clinic.Admin.GetAsync(
            $"/api/v1/clinicians/{clinic.ClinicianId}/availability?from={Uri.EscapeDataString(Clinic.Slot(0).ToString("O"))}&to={Uri.EscapeDataString(Clinic.Slot(23).ToString("O"))}&duration=30", Ct)).JsonAsync(HttpStatusCode.OK);

        var starts = availability.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("startsAt").GetDateTimeOffset()).ToList();
        Assert.Equal([Clinic.Slot(9), Clinic.Slot(10), Clinic.Slot(10, 30), Clinic.Slot(11), Clinic.Slot(11, 30)], starts);
    }
}
