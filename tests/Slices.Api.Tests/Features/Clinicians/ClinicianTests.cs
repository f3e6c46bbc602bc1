using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Clinicians;

public sealed class ClinicianTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Working_hours_change_with_if_match_and_only_admins_manage_clinicians()
    {
        var clinic = await Clinic.OpenAsync(app);
        var (_, _, staff) = await app.AddUserAsync(clinic.Practice, "staff");
        var read = await clinic.Admin.GetAsync($"/api/v1/clinicians/{clinic.ClinicianId}", Ct);
        Assert.Equal(7, (await read.JsonAsync(HttpStatusCode.OK)).GetProperty("workingHours").GetArrayLength());

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/clinicians/{clinic.ClinicianId}")
        {
            Content = JsonContent.Create(new { workingHours = new[] { new { weekday = 1, starts = "08:00:00", ends = "12:00:00" } } }),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.ToString());
        var changed = await (await clinic.Admin.SendAsync(patch, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Single(changed.GetProperty("workingHours").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await app.As(staff).GetAsync("/api/v1/clinicians", Ct)).StatusCode);
        Assert.Contains("clinicians:manage", (await (await app.As(staff).PostAsJsonAsync("/api/v1/clinicians",
            new { name = "X", timeZone = "Etc/UTC" }, Ct)).AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons", 1, "09:00:00", "17:00:00", "timeZone")]
    [InlineData("Europe/London", 8, "09:00:00", "17:00:00", "workingHours")]
    [InlineData("Europe/London", 1, "17:00:00", "09:00:00", "workingHours")]
    public async Task Bad_time_zones_and_hours_are_rejected(string timeZone, int weekday, string starts, string ends, string field)
    {
        var clinic = await Clinic.OpenAsync(app);

        var response = await clinic.Admin.PostAsJsonAsync("/api/v1/clinicians",
            new { name = "Dr X", timeZone, workingHours = new[] { new { weekday, starts, ends } } }, Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Another_practices_clinicians_prescriptions_and_notes_are_404()
    {
        var mine = await Clinic.OpenAsync(app);
        var theirs = await Clinic.OpenAsync(app);
        var (_, _, theirClinicianToken) = await app.AddUserAsync(theirs.Practice, "clinician");
        var theirClinician = app.As(theirClinicianToken);
        var prescription = (await (await theirClinician.PostAsJsonAsync("/api/v1/prescriptions", new
        {
            patientId = theirs.PatientId, medicationName = "Amoxicillin", dose = "500 mg", route = "oral", frequency = "tds", quantity = 21, quantityUnit = "capsule",
        }, Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var note = (await (await theirClinician.PostAsJsonAsync($"/api/v1/patients/{theirs.PatientId}/notes", new { body = "Theirs." }, Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await (await mine.Admin.GetAsync($"/api/v1/clinicians/{theirs.ClinicianId}", Ct)).AssertProblemAsync(404);
        await (await mine.Admin.GetAsync($"/api/v1/clinicians/{theirs.ClinicianId}/availability?from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z", Ct)).AssertProblemAsync(404);
        await (await mine.Admin.GetAsync($"/api/v1/notes/{note}", Ct)).AssertProblemAsync(404);
        await (await mine.Admin.GetAsync($"/api/v1/patients/{theirs.PatientId}/prescriptions", Ct)).AssertProblemAsync(404);
        var (_, _, myClinician) = await app.AddUserAsync(mine.Practice, "clinician");
        await (await app.As(myClinician).PostAsJsonAsync($"/api/v1/prescriptions/{prescription}/discontinue", new { reason = "x" }, Ct)).AssertProblemAsync(404);
        await (await app.As(myClinician).PostAsync($"/api/v1/notes/{note}/sign", null, Ct)).AssertProblemAsync(404);
        Assert.Equal(HttpStatusCode.OK, (await theirs.Admin.GetAsync($"/api/v1/notes/{note}", Ct)).StatusCode);
    }
}
