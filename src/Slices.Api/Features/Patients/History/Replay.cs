using System.Text.Json;

namespace Slices.Api.Features.Patients.History;

/// <summary>Rebuilds a patient from their events alone: created sets every field, updated the ones it names, archived the flag.</summary>
public static class Replay
{
    public static Response? Fold(Guid id, DateTimeOffset at, IReadOnlyList<EventRow> events)
    {
        Response? state = null;
        foreach (var e in events)
        {
            using var json = JsonDocument.Parse(e.Data);
            var data = json.RootElement;
            state = e.Type switch
            {
                "patient.created" => new Response(id, at, e.Version, 0, Text(data, "mrn"), Text(data, "givenName")!, Text(data, "familyName")!,
                    DateOnly.Parse(Text(data, "dateOfBirth")!, System.Globalization.CultureInfo.InvariantCulture), Text(data, "sex")!, Text(data, "phone"), Text(data, "email"), false),
                "patient.updated" when state is not null => state with
                {
                    Mrn = Has(data, "mrn") ? Text(data, "mrn") : state.Mrn,
                    GivenName = Text(data, "givenName") ?? state.GivenName,
                    FamilyName = Text(data, "familyName") ?? state.FamilyName,
                    DateOfBirth = Text(data, "dateOfBirth") is { } dob ? DateOnly.Parse(dob, System.Globalization.CultureInfo.InvariantCulture) : state.DateOfBirth,
                    Sex = Text(data, "sex") ?? state.Sex,
                    Phone = Has(data, "phone") ? Text(data, "phone") : state.Phone,
                    Email = Has(data, "email") ? Text(data, "email") : state.Email,
                },
                "patient.archived" when state is not null => state with { Archived = true },
                _ => state,
            };
            if (state is not null) state = state with { Version = e.Version, EventsApplied = state.EventsApplied + 1 };
        }
        return state;
    }

    private static bool Has(JsonElement data, string name) => data.TryGetProperty(name, out _);

    private static string? Text(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
