using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Prescriptions;

public sealed class PrescriptionTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_clinician_drafts_changes_and_signs_and_then_it_never_changes()
    {
        var (clinic, clinician) = await OpenAsync();
        var draft = await (await clinician.PostAsJsonAsync("/api/v1/prescriptions", Amoxicillin(clinic.PatientId), Ct)).JsonAsync(HttpStatusCode.Created);
        var id = draft.GetProperty("id").GetGuid();
        Assert.Equal(21m, draft.GetProperty("quantity").GetDecimal());

        var changed = await PatchAsync(clinician, id, "\"v1\"", new { quantity = 15.5m });
        Assert.Equal(15.5m, (await changed.JsonAsync(HttpStatusCode.OK)).GetProperty("quantity").GetDecimal());
        var signed = await (await clinician.PostAsync($"/api/v1/prescriptions/{id}/sign", null, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("signed", signed.GetProperty("status").GetString());

        await (await PatchAsync(clinician, id, "\"v3\"", new { quantity = 99m })).AssertProblemAsync(409);
        await (await clinician.PostAsync($"/api/v1/prescriptions/{id}/sign", null, Ct)).AssertProblemAsync(409);
        await using var owner = new NpgsqlConnection(TestStack.OwnerConnectionString(app.Database));
        await owner.OpenAsync(Ct);
        await using var tx = await owner.BeginTransactionAsync(Ct);
        await owner.ExecuteAsync("SELECT set_config('app.tenant_id', @p, true)", new { p = clinic.Practice.PracticeId.ToString() }, tx);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync("UPDATE prescriptions SET dose = '5000 mg' WHERE id = @id", new { id }, tx));
        Assert.Contains("signed prescription cannot change", refused.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_cannot_prescribe_admins_cannot_sign_and_only_the_prescriber_signs()
    {
        var (clinic, clinician) = await OpenAsync();
        var (_, _, staff) = await app.AddUserAsync(clinic.Practice, "staff");
        var (_, _, otherClinician) = await app.AddUserAsync(clinic.Practice, "clinician");
        var id = (await (await clinician.PostAsJsonAsync("/api/v1/prescriptions", Amoxicillin(clinic.PatientId), Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        var byStaff = await app.As(staff).PostAsJsonAsync("/api/v1/prescriptions", Amoxicillin(clinic.PatientId), Ct);
        var byAdmin = await clinic.Admin.PostAsync($"/api/v1/prescriptions/{id}/sign", null, Ct);
        var byOther = await app.As(otherClinician).PostAsync($"/api/v1/prescriptions/{id}/sign", null, Ct);

        Assert.Contains("prescriptions:write", (await byStaff.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("prescriptions:sign", (await byAdmin.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await byOther.AssertProblemAsync(403);
    }

    [Fact]
    public async Task Only_a_signed_prescription_is_discontinued_and_with_a_reason()
    {
        var (clinic, clinician) = await OpenAsync();
        var id = (await (await clinician.PostAsJsonAsync("/api/v1/prescriptions", Amoxicillin(clinic.PatientId), Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        await (await clinician.PostAsJsonAsync($"/api/v1/prescriptions/{id}/discontinue", new { reason = "Rash" }, Ct)).AssertProblemAsync(409);
        await clinician.PostAsync($"/api/v1/prescriptions/{id}/sign", null, Ct);
        await (await clinician.PostAsJsonAsync($"/api/v1/prescriptions/{id}/discontinue", new { }, Ct)).AssertProblemAsync(400);
        var stopped = await (await clinician.PostAsJsonAsync($"/api/v1/prescriptions/{id}/discontinue", new { reason = "Rash" }, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal("discontinued", stopped.GetProperty("status").GetString());
        var list = await (await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}/prescriptions", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Rash", list.GetProperty("items")[0].GetProperty("discontinueReason").GetString());
    }

    [Theory]
    [InlineData("route", "by mouth")]
    [InlineData("quantity", -1)]
    [InlineData("quantity", 1.005)]
    [InlineData("refills", 13)]
    [InlineData("medicationName", "")]
    public async Task Invalid_medication_fields_are_named(string field, object value)
    {
        var (clinic, clinician) = await OpenAsync();
        var body = new Dictionary<string, object?>
        {
            ["patientId"] = clinic.PatientId, ["medicationName"] = "Amoxicillin", ["dose"] = "500 mg", ["route"] = "oral",
            ["frequency"] = "tds", ["quantity"] = 21, ["quantityUnit"] = "capsule", [field] = value,
        };

        var response = await clinician.PostAsJsonAsync("/api/v1/prescriptions", body, Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty(field, out _), field);
    }

    private async Task<(Clinic Clinic, HttpClient Clinician)> OpenAsync()
    {
        var clinic = await Clinic.OpenAsync(app);
        var (_, _, token) = await app.AddUserAsync(clinic.Practice, "clinician");
        return (clinic, app.As(token));
    }

    private static object Amoxicillin(Guid patientId) => new
    {
        patientId, medicationName = "Amoxicillin 500 mg capsules", medicationCode = "308182", dose = "500 mg", route = "oral",
        frequency = "three times a day", quantity = 21, quantityUnit = "capsule", refills = 0,
    };

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, string ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/prescriptions/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request, Ct);
    }
}
