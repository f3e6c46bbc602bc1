using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Patients;

public sealed class PatientTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Registering_a_patient_answers_201_with_location_etag_and_the_record()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/patients", NewPatient("Maria", "Santos"), Ct);

        var patient = await response.JsonAsync(HttpStatusCode.Created);
        var id = patient.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/patients/{id}", response.Headers.Location?.ToString());
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        Assert.Equal("1984-03-12", patient.GetProperty("dateOfBirth").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var read = await (await app.AsAdmin(practice).GetAsync($"/api/v1/patients/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Santos", read.GetProperty("familyName").GetString());
    }

    [Theory]
    [InlineData("dateOfBirth", "2999-01-01")]
    [InlineData("phone", "07700 900123")]
    [InlineData("email", "not-an-email")]
    [InlineData("sex", "sometimes")]
    [InlineData("givenName", "")]
    [InlineData("mrn", "has spaces")]
    public async Task Invalid_fields_are_named_in_a_400(string field, string value)
    {
        var practice = await app.SignUpAsync();
        var body = new Dictionary<string, object?> { ["givenName"] = "Maria", ["familyName"] = "Santos", ["dateOfBirth"] = "1984-03-12", ["sex"] = "female", [field] = value };

        var response = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/patients", body, Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task Overlong_names_and_unknown_fields_are_rejected()
    {
        var practice = await app.SignUpAsync();

        var longName = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/patients", NewPatient(new string('a', 101), "Santos"), Ct);
        var unknown = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/patients",
            new { givenName = "Maria", familyName = "Santos", dateOfBirth = "1984-03-12", sex = "female", ssn = "123-45-6789" }, Ct);

        await longName.AssertProblemAsync(400);
        await unknown.AssertProblemAsync(400);
    }

    [Fact]
    public async Task Search_finds_patients_by_name_part_date_of_birth_phone_email_and_mrn_a_page_at_a_time()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var maria = await CreateAsync(admin, NewPatient("Maria", "Santos", mrn: "HFC-1", phone: "+447700900123", email: "maria@example.com"));
        await CreateAsync(admin, NewPatient("Mario", "Santoro", dateOfBirth: "1990-01-02"));
        await CreateAsync(admin, NewPatient("Ann", "Lee", dateOfBirth: "1990-01-02"));

        Assert.Equal(2, (await SearchAsync(admin, "sant")).Count);
        Assert.Equal(2, (await SearchAsync(admin, "1990-01-02")).Count);
        Assert.Equal([maria], await SearchAsync(admin, "+447700900123"));
        Assert.Equal([maria], await SearchAsync(admin, "MARIA@example.com"));
        Assert.Equal([maria], await SearchAsync(admin, "HFC-1"));
        Assert.Empty(await SearchAsync(admin, "%"));

        var first = await (await admin.GetAsync("/api/v1/patients?limit=2", Ct)).JsonAsync(HttpStatusCode.OK);
        var second = await (await admin.GetAsync($"/api/v1/patients?limit=2&cursor={first.GetProperty("nextCursor").GetString()}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("items").GetArrayLength() + second.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_name_search_pages_in_name_order_by_the_name_that_matched_each_patient_once()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        foreach (var (given, family) in new[] { ("Bo", "Santos"), ("Sandra", "Lee"), ("Carl", "Sanders"), ("Ana", "Santos"), ("Sanna", "Sanchez"), ("Ann", "Lee") })
            await CreateAsync(admin, NewPatient(given, family));

        var names = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await admin.GetAsync($"/api/v1/patients?q=SAN&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Ct)).JsonAsync(HttpStatusCode.OK);
            names.AddRange(page.GetProperty("items").EnumerateArray().Select(p => $"{p.GetProperty("givenName").GetString()} {p.GetProperty("familyName").GetString()}"));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null && names.Count < 10);

        // Sanchez, Sanders, then Sandra (her given name matched), then the Santoses in the order they were registered.
        Assert.Equal(["Sanna Sanchez", "Carl Sanders", "Sandra Lee", "Bo Santos", "Ana Santos"], names);
        // An MRN match is found wherever its family name sorts against the MRN.
        var adams = await CreateAsync(admin, NewPatient("Ann", "Adams", mrn: "Z-9"));
        Assert.Equal([adams], await SearchAsync(admin, "Z-9"));
    }

    [Fact]
    public async Task Another_practices_patient_is_404_for_every_verb()
    {
        var a = await app.SignUpAsync("A");
        var b = await app.SignUpAsync("B");
        var bPatient = await CreateAsync(app.AsAdmin(b), NewPatient("Maria", "Santos"));
        var aClient = app.AsAdmin(a);

        await (await aClient.GetAsync($"/api/v1/patients/{bPatient}", Ct)).AssertProblemAsync(404);
        await (await aClient.GetAsync($"/api/v1/patients/{bPatient}/history", Ct)).AssertProblemAsync(404);
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{bPatient}") { Content = JsonContent.Create(new { givenName = "X" }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await (await aClient.SendAsync(patch, Ct)).AssertProblemAsync(404);
        await (await aClient.DeleteAsync($"/api/v1/patients/{bPatient}", Ct)).AssertProblemAsync(404);
        Assert.Empty(await SearchAsync(aClient, "Santos"));
    }

    [Fact]
    public async Task An_api_key_with_read_scope_may_read_but_not_write()
    {
        var practice = await app.SignUpAsync();
        var id = await CreateAsync(app.AsAdmin(practice), NewPatient("Maria", "Santos"));
        var created = await (await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/api-keys", new { name = "Portal", scopes = new[] { "patients:read" } }, Ct)).JsonAsync(HttpStatusCode.Created);
        var key = app.As(created.GetProperty("key").GetString()!);

        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync($"/api/v1/patients/{id}", Ct)).StatusCode);
        var write = await key.PostAsJsonAsync("/api/v1/patients", NewPatient("Ann", "Lee"), Ct);
        Assert.Contains("patients:write", (await write.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Archived_patients_leave_searches_but_stay_readable()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var id = await CreateAsync(admin, NewPatient("Maria", "Santos"));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/patients/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/patients/{id}", Ct)).StatusCode);

        Assert.Empty(await SearchAsync(admin, "Santos"));
        Assert.Single((await (await admin.GetAsync("/api/v1/patients?q=Santos&includeArchived=true", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.True((await (await admin.GetAsync($"/api/v1/patients/{id}", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("archived").GetBoolean());
    }

    internal static object NewPatient(string given, string family, string dateOfBirth = "1984-03-12", string? mrn = null, string? phone = null, string? email = null) =>
        new { givenName = given, familyName = family, dateOfBirth, sex = "female", phone, email, mrn };

    internal static async Task<Guid> CreateAsync(HttpClient client, object patient) =>
        (await (await client.PostAsJsonAsync("/api/v1/patients", patient, Ct)).JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();

    private static async Task<List<Guid>> SearchAsync(HttpClient client, string q) =>
        [.. (await (await client.GetAsync($"/api/v1/patients?q={Uri.EscapeDataString(q)}", Ct)).JsonAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];
}
