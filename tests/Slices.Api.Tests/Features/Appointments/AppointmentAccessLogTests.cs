using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Appointments;

public sealed class AppointmentAccessLogTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_of_appointments_logs_against_each_patient_it_showed_their_own_appointments_and_no_others()
    {
        var clinic = await Clinic.OpenAsync(app);
        var patients = new List<Guid> { clinic.PatientId };
        for (var i = 0; i < 2; i++)
            patients.Add((await (await clinic.Admin.PostAsJsonAsync("/api/v1/patients", new { givenName = $"Ana{i}", familyName = "Lima", dateOfBirth = "1990-01-01" }, Ct))
                .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        // The first patient twice, then the second: the page of three shows them; the third patient's slot is after it.
        var booked = new List<Guid>();
        foreach (var (hour, patient) in new[] { (9, patients[0]), (10, patients[0]), (11, patients[1]), (12, patients[2]) })
            booked.Add((await (await clinic.BookAsync(Clinic.Slot(hour), patientId: patient)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        var day = $"/api/v1/appointments?clinicianId={clinic.ClinicianId}&limit=3";

        // Twice: the first read loads the page and logs in the same statement; the second is served from the cache.
        for (var read = 0; read < 2; read++)
            Assert.Equal(3, (await (await clinic.Admin.GetAsync(day, Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());

        List<Guid> firstPatients = [.. booked.Take(2).Order()];
        Assert.Equal([firstPatients, firstPatients], await ListedAsync(clinic, patients[0]));
        Assert.Equal([[booked[2]], [booked[2]]], await ListedAsync(clinic, patients[1]));
        Assert.Empty(await ListedAsync(clinic, patients[2]));
        Assert.Empty(await ListedAsync(await Clinic.OpenAsync(app), patients[0])); // another practice sees none of it
    }

    // The appointment ids of each "list" entry in the patient's access log, sorted within the entry.
    private static async Task<List<List<Guid>>> ListedAsync(Clinic clinic, Guid patient)
    {
        var log = await (await clinic.Admin.GetAsync($"/api/v1/audit/access?patientId={patient}", Ct)).JsonAsync(HttpStatusCode.OK);
        return [.. log.GetProperty("items").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "list" && e.GetProperty("resourceType").GetString() == "appointment")
            .Select(e => e.GetProperty("resourceIds").EnumerateArray().Select(r => r.GetGuid()).Order().ToList())];
    }

    [Fact]
    public async Task Reading_an_appointment_logs_it_against_its_patient_with_the_request_id()
    {
        var clinic = await Clinic.OpenAsync(app);
        var id = (await (await clinic.BookAsync(Clinic.Slot(11))).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var read = await clinic.Admin.GetAsync($"/api/v1/appointments/{id}", Ct);
        var missing = await clinic.Admin.GetAsync($"/api/v1/appointments/{Guid.NewGuid()}", Ct);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await missing.AssertProblemAsync(404);
        var log = await (await clinic.Admin.GetAsync($"/api/v1/audit/access?patientId={clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK);
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "read");
        Assert.Equal("appointment", entry.GetProperty("resourceType").GetString());
        Assert.Equal(read.Headers.GetValues("X-Request-ID").Single(), entry.GetProperty("requestId").GetString());
    }
}
