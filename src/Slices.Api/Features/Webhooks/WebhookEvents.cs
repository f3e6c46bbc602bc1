using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slices.Api.Features.Webhooks;

/// <summary>
/// The event types an endpoint can subscribe to, and what each one's data says: the ids involved and, where
/// something changed, what (field names, times, statuses), never free text or clinical content. A receiver that
/// needs the record reads it through the API, where access is authorised and logged.
/// </summary>
public static class WebhookEvents
{
    public const string Test = "webhook.test";

    private static readonly Dictionary<string, (string IdName, string[] Fields)> Types = new(StringComparer.Ordinal)
    {
        ["patient.created"] = ("patientId", []),
        ["patient.updated"] = ("patientId", []), // plus changedFields: the names only
        ["patient.archived"] = ("patientId", []),
        ["appointment.scheduled"] = ("appointmentId", ["patientId", "clinicianId", "startsAt", "endsAt"]),
        ["appointment.rescheduled"] = ("appointmentId", ["startsAt", "endsAt"]),
        ["appointment.cancelled"] = ("appointmentId", ["from", "to"]),
        ["appointment.checked_in"] = ("appointmentId", ["from", "to"]),
        ["appointment.completed"] = ("appointmentId", ["from", "to"]),
        ["appointment.no_show"] = ("appointmentId", ["from", "to"]),
        ["prescription.signed"] = ("prescriptionId", ["signedAt"]),
        ["note.signed"] = ("noteId", ["signedAt"]),
        ["calendar.event_synced"] = ("connectionId", ["appointmentId", "provider", "action"]),
    };

    /// <summary>Every type an endpoint may subscribe to, webhook.test included (sent by POST /webhooks/{id}/test).</summary>
    public static IReadOnlyList<string> All { get; } = [.. Types.Keys.Order(StringComparer.Ordinal), Test];

    public static bool IsKnown(string type) => type == Test || Types.ContainsKey(type);

    /// <summary>The body sent for an event: { type, timestamp, data }.</summary>
    public static string Body(string type, string stream, string data, DateTimeOffset occurredAt)
    {
        var (idName, fields) = Types[type];
        var source = JsonNode.Parse(data) as JsonObject ?? [];
        var payload = new JsonObject { [idName] = stream[(stream.IndexOf('/') + 1)..] };
        foreach (var field in fields)
            if (source.TryGetPropertyValue(field, out var value) && value is not null) payload[field] = value.DeepClone();
        if (type == "patient.updated") payload["changedFields"] = new JsonArray([.. source.Select(p => (JsonNode)JsonValue.Create(p.Key)!)]);
        return Serialize(type, occurredAt, payload);
    }

    public static string TestBody(Guid endpointId, DateTimeOffset at) =>
        Serialize(Test, at, new JsonObject { ["endpointId"] = endpointId, ["message"] = "This is a test event from Slices." });

    private static string Serialize(string type, DateTimeOffset at, JsonObject data) =>
        new JsonObject { ["type"] = type, ["timestamp"] = at.ToUniversalTime().ToString("O"), ["data"] = data }.ToJsonString(Options);

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };
}
