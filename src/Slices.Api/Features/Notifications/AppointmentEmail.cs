namespace Slices.Api.Features.Notifications;

/// <summary>
/// What an appointment email may say: the patient's given name, the practice, the clinician, and when (in the
/// clinician's time zone). Never the reason for the visit, the family name, the date of birth or anything clinical:
/// email is not a safe channel for PHI beyond what a patient needs to turn up.
/// </summary>
public sealed record AppointmentEmailDetails(
    Guid AppointmentId, Guid PatientId, DateTimeOffset StartsAt, string Status, string GivenName, string? Email,
    string ClinicianName, string TimeZone, string PracticeName);

public static class AppointmentEmailKinds
{
    public const string Confirmation = "confirmation";
    public const string Rescheduled = "rescheduled";
    public const string Reminder = "reminder";
    public const string Cancellation = "cancellation";

    /// <summary>The email an event asks for, if any.</summary>
    public static string? For(string eventType) => eventType switch
    {
        "appointment.scheduled" => Confirmation,
        "appointment.rescheduled" => Rescheduled,
        "appointment.cancelled" => Cancellation,
        _ => null,
    };
}
