using System.Net;
using System.Net.Http.Json;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>A practice with a clinician who works 09:00-17:00 UTC every day, and a patient: ready to book.</summary>
public sealed record Clinic(Practice Practice, HttpClient Admin, Guid ClinicianId, Guid PatientId)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A weekday at least a week ahead, at the given UTC hour and minute.</summary>
    public static DateTimeOffset Slot(int hour, int minute = 0, int daysAhead = 8) =>
        new DateTimeOffset(DateTime.UtcNow.Date.AddDays(daysAhead), TimeSpan.Zero).AddHours(hour).AddMinutes(minute);

    public static async Task<Clinic> OpenAsync(SlicesApp app)
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var hours = Enumerable.Range(1, 7).Select(d => new { weekday = d, starts = "09:00:00", ends = "17:00:00" });
        var clinician = await (await admin.PostAsJsonAsync("/api/v1/clinicians", new { name = "Dr Lucas Meyer", timeZone = "Etc/UTC", workingHours = hours }, Ct)).JsonAsync(HttpStatusCode.Created);
        var patient = await (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Maria", familyName = "Santos", dateOfBirth = "1984-03-12", sex = "female" }, Ct)).JsonAsync(HttpStatusCode.Created);
        return new Clinic(practice, admin, clinician.GetProperty("id").GetGuid(), patient.GetProperty("id").GetGuid());
    }

    public Task<HttpResponseMessage> BookAsync(DateTimeOffset startsAt, int minutes = 30, Guid? patientId = null) =>
        Admin.PostAsJsonAsync("/api/v1/appointments", new { patientId = patientId ?? PatientId, clinicianId = ClinicianId, startsAt, endsAt = startsAt.AddMinutes(minutes), reason = "Check-up" }, Ct);
}
