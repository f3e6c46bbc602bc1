namespace Slices.Api.Platform.Auth;

/// <summary>What a caller may do. Users get them from their role; API keys from the scopes chosen when the key was made.</summary>
public static class Permission
{
    public const string UsersManage = "users:manage";
    public const string ApiKeysManage = "api-keys:manage";
    public const string AuditRead = "audit:read";
    public const string PracticeManage = "practice:manage";
    public const string PatientsRead = "patients:read";
    public const string PatientsWrite = "patients:write";
    public const string AppointmentsRead = "appointments:read";
    public const string AppointmentsWrite = "appointments:write";
    public const string WebhooksManage = "webhooks:manage";
    public const string CliniciansManage = "clinicians:manage";
    public const string PrescriptionsRead = "prescriptions:read";
    public const string PrescriptionsWrite = "prescriptions:write";
    public const string PrescriptionsSign = "prescriptions:sign";
    public const string NotesRead = "notes:read";
    public const string NotesWrite = "notes:write";
    public const string NotesSign = "notes:sign";
    public const string CalendarConnect = "calendar:connect";
    public const string CalendarManage = "calendar:manage";

    /// <summary>Deployment-wide operations (the operator practice's admins only; see OperatorOptions).</summary>
    public const string Operate = "platform:operate";

    public static readonly IReadOnlyList<string> Roles = ["admin", "clinician", "staff"];

    /// <summary>The scopes an integrator's API key may carry.</summary>
    public static readonly IReadOnlySet<string> ApiKeyScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        PatientsRead, PatientsWrite, AppointmentsRead, AppointmentsWrite, WebhooksManage, AuditRead, PrescriptionsRead, NotesRead,
    };

    private static readonly string[] Clinical = [PatientsRead, PatientsWrite, AppointmentsRead, AppointmentsWrite];

    // Staff run the front desk (patients, appointments); only clinicians write and sign clinical records.
    private static readonly IReadOnlyList<string> Admin = Array.AsReadOnly<string>(
        [UsersManage, ApiKeysManage, AuditRead, PracticeManage, WebhooksManage, CliniciansManage, PrescriptionsRead, NotesRead, CalendarConnect, CalendarManage, .. Clinical]);
    private static readonly IReadOnlyList<string> Clinician = Array.AsReadOnly<string>(
        [PrescriptionsRead, PrescriptionsWrite, PrescriptionsSign, NotesRead, NotesWrite, NotesSign, CalendarConnect, .. Clinical]);
    private static readonly IReadOnlyList<string> Staff = Array.AsReadOnly<string>([CalendarConnect, .. Clinical]);

    /// <summary>Read on every signed-in request: the lists are made once.</summary>
    public static IReadOnlyList<string> ForRole(string role) => role switch
    {
        "admin" => Admin,
        "clinician" => Clinician,
        "staff" => Staff,
        _ => [],
    };
}
