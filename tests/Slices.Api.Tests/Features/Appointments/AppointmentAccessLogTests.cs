using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Appointments;

public sealed class AppointmentAccessLogTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_page_of_appointments_logs_the_patients_it_showed_and_no_others()
    {
        var clinic = await Clinic.OpenAsync(app);
        var patients = new List<Guid> { clinic.PatientId };
        for (var i = 0; i < 2; i++)
            patients.Add((await (await clinic.Admin.PostAsJsonAsync("/api/v1/patients", new { givenName = $"Ana{i}", familyName = "Lima", dateOfBirth = "1990-01-01" }, Ct))
                .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid());
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await clinic.BookAsync(Clinic.Slot(9 + i), patientId: patients[i])).StatusCode);

        var page = await (await clinic.Admin.GetAsync($"/api/v1/appointments?clinicianId={clinic.ClinicianId}&limit=2", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        var shown = page.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("patientId").GetGuid()).ToList();
        foreach (var patient in patients)
        {
            var log = await (await clinic.Admin.GetAsync($"/api/v1/audit/access?patientId={patient}", Ct)).JsonAsync(HttpStatusCode.OK);
            var listed = log.GetProperty("items").EnumerateArray().Count(e => e.GetProperty("action").GetString() == "list" && e.GetProperty("resourceType").GetString() == "appointment");
            Assert.Equal(shown.Contains(patient) ? 1 : 0, listed);
        }
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
