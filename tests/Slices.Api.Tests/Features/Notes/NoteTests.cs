using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Notes;

public sealed class NoteTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_author_edits_with_if_match_signs_and_later_corrections_are_addenda()
    {
        var (clinic, clinician) = await OpenAsync();
        var id = await WriteAsync(clinician, clinic.PatientId, "BP 128/82.");

        await (await PatchAsync(clinician, id, null, "BP 130/85.")).AssertProblemAsync(428);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(clinician, id, "\"v1\"", "BP 130/85.")).StatusCode);
        await (await PatchAsync(clinician, id, "\"v1\"", "stale")).AssertProblemAsync(412);
        await (await clinician.PostAsJsonAsync($"/api/v1/patients/{clinic.PatientId}/notes", new { body = "addendum", amendsNoteId = id }, Ct)).AssertProblemAsync(409);
        Assert.Equal("signed", (await (await clinician.PostAsync($"/api/v1/notes/{id}/sign", null, Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await (await PatchAsync(clinician, id, "\"v3\"", "rewrite history")).AssertProblemAsync(409);

        var addendum = await (await clinician.PostAsJsonAsync($"/api/v1/patients/{clinic.PatientId}/notes", new { body = "Correction: BP was 132/85.", amendsNoteId = id }, Ct)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(id, addendum.GetProperty("amendsId").GetGuid());
        var notes = await (await clinician.GetAsync($"/api/v1/patients/{clinic.PatientId}/notes", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, notes.GetProperty("items").GetArrayLength());
        Assert.Equal("BP 130/85.", notes.GetProperty("items")[1].GetProperty("body").GetString());
    }

    [Fact]
    public async Task Only_the_author_changes_or_signs_and_staff_cannot_read_notes()
    {
        var (clinic, clinician) = await OpenAsync();
        var (_, _, other) = await app.AddUserAsync(clinic.Practice, "clinician");
        var (_, _, staff) = await app.AddUserAsync(clinic.Practice, "staff");
        var id = await WriteAsync(clinician, clinic.PatientId, "Private assessment.");

        await (await PatchAsync(app.As(other), id, "\"v1\"", "edited")).AssertProblemAsync(403);
        await (await app.As(other).PostAsync($"/api/v1/notes/{id}/sign", null, Ct)).AssertProblemAsync(403);
        Assert.Contains("notes:read", (await (await app.As(staff).GetAsync($"/api/v1/patients/{clinic.PatientId}/notes", Ct)).AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_overlong_note_is_rejected()
    {
        var (clinic, clinician) = await OpenAsync();

        var response = await clinician.PostAsJsonAsync($"/api/v1/patients/{clinic.PatientId}/notes", new { body = new string('x', 20_001) }, Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("body", out _));
    }

    private async Task<(Clinic Clinic, HttpClient Clinician)> OpenAsync()
    {
        var clinic = await Clinic.OpenAsync(app);
        var (_, _, token) = await app.AddUserAsync(clinic.Practice, "clinician");
        return (clinic, app.As(token));
    }

    private static async Task<Guid> WriteAsync(HttpClient client, Guid patientId, string body) =>
        (await (await client.PostAsJsonAsync($"/api/v1/patients/{patientId}/notes", new { body }, Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, string? ifMatch, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/notes/{id}") { Content = JsonContent.Create(new { body }) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request, Ct);
    }
}
