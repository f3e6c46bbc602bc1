using System.Net;
using System.Net.Http.Json;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>An appointment booked for a patient who has an email address (and details an email must not show).</summary>
public sealed record Booked(Clinic Clinic, string PracticeName, string PatientEmail, Guid AppointmentId, DateTimeOffset StartsAt, string ETag);

public static class PatientWithEmail
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<Booked> BookAsync(SlicesApp app, DateTimeOffset startsAt)
    {
        var practiceName = $"Harbour Clinic {Guid.NewGuid().ToString("N")[..6]}";
        var practice = await app.SignUpAsync(practiceName);
        var admin = app.AsAdmin(practice);
        var hours = Enumerable.Range(1, 7).Select(d => new { weekday = d, starts = "09:00:00", ends = "17:00:00" });
        var clinician = await (await admin.PostAsJsonAsync("/api/v1/clinicians", new { name = "Dr Lucas Meyer", timeZone = "Europe/London", workingHours = hours }, Ct)).JsonAsync(HttpStatusCode.Created);
        var email = $"maria.{Guid.NewGuid():N}@patients.example";
        var patient = await (await admin.PostAsJsonAsync("/api/v1/patients", new
        {
            givenName = "Maria", familyName = "Quintanilla", dateOfBirth = "1984-03-12", sex = "female", email, phone = "+447700900123", mrn = "MRN-55102",
        }, Ct)).JsonAsync(HttpStatusCode.Created);
        var clinic = new Clinic(practice, admin, clinician.GetProperty("id").GetGuid(), patient.GetProperty("id").GetGuid());
        var booked = await admin.PostAsJsonAsync("/api/v1/appointments",
            new { patientId = clinic.PatientId, clinicianId = clinic.ClinicianId, startsAt, endsAt = startsAt.AddMinutes(30), reason = "Chest pain follow-up" }, Ct);
        var appointment = await booked.JsonAsync(HttpStatusCode.Created);
        return new Booked(clinic, practiceName, email, appointment.GetProperty("id").GetGuid(), startsAt, booked.Headers.ETag!.ToString());
    }
}
