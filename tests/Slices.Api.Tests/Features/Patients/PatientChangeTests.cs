using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Patients;

public sealed class PatientChangeTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_change_needs_if_match_428_without_412_when_stale_and_bumps_the_etag()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var id = await PatientTests.CreateAsync(admin, PatientTests.NewPatient("Maria", "Santos"));

        await (await PatchAsync(admin, id, null, new { phone = "+447700900456" })).AssertProblemAsync(428);
        var changed = await PatchAsync(admin, id, "\"v1\"", new { phone = "+447700900456" });
        Assert.Equal("\"v2\"", changed.Headers.ETag?.ToString());
        Assert.Equal("+447700900456", (await changed.JsonAsync(HttpStatusCode.OK)).GetProperty("phone").GetString());
        await (await PatchAsync(admin, id, "\"v1\"", new { phone = "+447700900789" })).AssertProblemAsync(412);
        await (await PatchAsync(admin, id, "\"garbage\"", new { phone = "+447700900789" })).AssertProblemAsync(412);
    }

    [Fact]
    public async Task Of_concurrent_changes_from_the_same_read_exactly_one_wins()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var id = await PatientTests.CreateAsync(admin, PatientTests.NewPatient("Maria", "Santos"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => PatchAsync(admin, id, "\"v1\"", new { givenName = $"Name{i}" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task History_rebuilt_from_events_equals_what_the_api_returned_at_each_moment()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var id = await PatientTests.CreateAsync(admin, PatientTests.NewPatient("Maria", "Santos", phone: "+447700900123"));
        var v1 = await ReadAsync(admin, id);
        var afterV1 = DateTimeOffset.UtcNow;
        await Task.Delay(20, Ct);
        await PatchAsync(admin, id, "\"v1\"", new { familyName = "Santos-Reyes", email = "maria@example.com" });
        var v2 = await ReadAsync(admin, id);
        var afterV2 = DateTimeOffset.UtcNow;
        await Task.Delay(20, Ct);
        await admin.DeleteAsync($"/api/v1/patients/{id}", Ct);
        var v3 = await ReadAsync(admin, id);

        foreach (var (at, expected) in new[] { (afterV1, v1), (afterV2, v2), (DateTimeOffset.UtcNow, v3) })
        {
            var history = await (await admin.GetAsync($"/api/v1/patients/{id}/history?at={Uri.EscapeDataString(at.ToString("O"))}", Ct)).JsonAsync(HttpStatusCode.OK);
            foreach (var field in new[] { "givenName", "familyName", "dateOfBirth", "sex", "phone", "email", "mrn", "archived", "version" })
                Assert.Equal(expected.GetProperty(field).ToString(), history.GetProperty(field).ToString());
        }
        await (await admin.GetAsync($"/api/v1/patients/{id}/history?at=2000-01-01T00:00:00Z", Ct)).AssertProblemAsync(404);
    }

    [Fact]
    public async Task The_access_log_says_who_looked_at_a_patient()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var (clinicianId, _, clinicianToken) = await app.AddUserAsync(practice, "clinician");
        var id = await PatientTests.CreateAsync(admin, PatientTests.NewPatient("Maria", "Santos"));

        var read = await app.As(clinicianToken).GetAsync($"/api/v1/patients/{id}", Ct);
        await app.As(clinicianToken).GetAsync("/api/v1/patients?q=santos", Ct);

        var log = await (await admin.GetAsync($"/api/v1/audit/access?patientId={id}", Ct)).JsonAsync(HttpStatusCode.OK);
        var entries = log.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["list", "read"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal(clinicianId, e.GetProperty("actorId").GetGuid()));
        Assert.Equal(read.Headers.GetValues("X-Request-ID").Single(), entries[1].GetProperty("requestId").GetString());
        Assert.Equal("127.0.0.1", entries[1].GetProperty("clientIp").GetString());
        await (await app.As(clinicianToken).GetAsync($"/api/v1/audit/access?patientId={id}", Ct)).AssertProblemAsync(403);
    }

    private Task<HttpResponseMessage> PatchAsync(HttpClient client, Guid id, string? ifMatch, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> ReadAsync(HttpClient client, Guid id) =>
        await (await client.GetAsync($"/api/v1/patients/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
}
