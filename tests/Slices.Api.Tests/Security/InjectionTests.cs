using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Security;

/// <summary>
/// Strings shaped like SQL injection, LIKE wildcards and encoding tricks, in every string field and query parameter
/// of the patient and appointment endpoints: each is stored and returned verbatim, or refused by validation. Never a 500.
/// </summary>
public sealed class InjectionTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    public static readonly TheoryData<string> Hostile =
    [
        "Robert'); DROP TABLE patients;--",
        "' OR '1'='1",
        "x' OR 1=1 --",
        "1; SELECT pg_sleep(5)--",
        "$$; DELETE FROM events; $$",
        "%",
        "_%_",
        "\\'; COPY patients TO '/tmp/out';--",
        "O'Brien-Smith",
        "\"; SET app.practice_id = '00000000-0000-0000-0000-000000000000'; --",
        "null",
        "Zoë 🩺 ⁄ 名前",
        "\u0000",
        "a\u0000b",
        "\ud800",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A JSON object with every non-ASCII character escaped as \uXXXX, so the text arrives exactly as given: a JSON
    /// serializer would quietly replace an unpaired surrogate before it ever left the test.
    /// </summary>
    private static StringContent Body(params (string Key, object? Value)[] fields)
    {
        static string Escape(string text) => string.Concat(text.Select(c => c is >= ' ' and <= '~' and not '"' and not '\\' ? c.ToString() : $"\\u{(int)c:x4}"));
        var members = fields.Select(f => $"\"{f.Key}\": " + (f.Value is string text ? $"\"{Escape(text)}\"" : JsonSerializer.Serialize(f.Value)));
        return new StringContent("{" + string.Join(", ", members) + "}", System.Text.Encoding.UTF8, "application/json");
    }

    private void AssertVerbatimOrRefused(HttpResponseMessage response, HttpStatusCode success)
    {
        Assert.True(response.StatusCode == success || response.StatusCode == HttpStatusCode.BadRequest,
            $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}; the server logged: {ServerErrors(response)}");
    }

    // What the app logged at warning or above for this request, to tell why when a 500 slips through.
    private string ServerErrors(HttpResponseMessage response)
    {
        var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.Single() : "";
        return string.Join(" | ", app.Logs.Events
            .Where(e => e.Level >= Serilog.Events.LogEventLevel.Warning && e.Properties.TryGetValue("RequestId", out var id) && id.ToString() == $"\"{requestId}\"")
            .Select(e => $"{e.RenderMessage(System.Globalization.CultureInfo.InvariantCulture)} {e.Exception?.GetType().Name} {e.Exception?.Message}"));
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Patient_fields_and_search_take_hostile_text_as_data(string text)
    {
        var clinic = await Clinic.OpenAsync(app);
        var created = await clinic.Admin.PostAsync("/api/v1/patients",
            Body(("givenName", text), ("familyName", text), ("dateOfBirth", "1970-01-01"), ("sex", "unknown")), Ct);
        AssertVerbatimOrRefused(created, HttpStatusCode.Created);
        if (created.StatusCode == HttpStatusCode.Created)
        {
            var patient = await created.JsonAsync(HttpStatusCode.Created);
            var id = patient.GetProperty("id").GetGuid();
            var read = await (await clinic.Admin.GetAsync($"/api/v1/patients/{id}", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal(text, read.GetProperty("givenName").GetString());
            Assert.Equal(text, read.GetProperty("familyName").GetString());

            var update = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{id}") { Content = Body(("familyName", text + "!")) };
            update.Headers.IfMatch.ParseAdd(created.Headers.ETag!.ToString());
            Assert.Equal(text + "!", (await (await clinic.Admin.SendAsync(update, Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("familyName").GetString());
        }

        foreach (var field in new[] { "sex", "phone", "email", "mrn" })
        {
            var body = Body(("givenName", "Ana"), ("familyName", "Lima"), ("dateOfBirth", "1990-01-01"), (field, text));
            AssertVerbatimOrRefused(await clinic.Admin.PostAsync("/api/v1/patients", body, Ct), HttpStatusCode.Created);
        }

        var escaped = Uri.EscapeDataString(text);
        var search = await clinic.Admin.GetAsync($"/api/v1/patients?q={escaped}", Ct);
        AssertVerbatimOrRefused(search, HttpStatusCode.OK);
        if (search.StatusCode == HttpStatusCode.OK)
        {
            var items = (await search.JsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
            Assert.DoesNotContain(items, p => p.GetProperty("id").GetGuid() == clinic.PatientId); // Maria Santos matches no hostile text
        }
        AssertVerbatimOrRefused(await clinic.Admin.GetAsync($"/api/v1/patients?cursor={escaped}", Ct), HttpStatusCode.OK);
        AssertNotAServerError(await clinic.Admin.GetAsync($"/api/v1/patients/{escaped}", Ct));
        await AssertDatabaseIntactAsync(clinic);
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Appointment_fields_and_filters_take_hostile_text_as_data(string text)
    {
        var clinic = await Clinic.OpenAsync(app);
        var startsAt = Clinic.Slot(10);
        var booked = await clinic.Admin.PostAsync("/api/v1/appointments",
            Body(("patientId", clinic.PatientId), ("clinicianId", clinic.ClinicianId), ("startsAt", startsAt), ("endsAt", startsAt.AddMinutes(30)), ("reason", text)), Ct);
        AssertVerbatimOrRefused(booked, HttpStatusCode.Created);
        var appointment = booked.StatusCode == HttpStatusCode.Created
            ? await booked.JsonAsync(HttpStatusCode.Created)
            : await (await clinic.BookAsync(startsAt)).JsonAsync(HttpStatusCode.Created);
        var id = appointment.GetProperty("id").GetGuid();
        if (booked.StatusCode == HttpStatusCode.Created)
            Assert.Equal(text, (await (await clinic.Admin.GetAsync($"/api/v1/appointments/{id}", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("reason").GetString());

        var reschedule = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/appointments/{id}") { Content = Body(("reason", text)) };
        reschedule.Headers.IfMatch.ParseAdd((await clinic.Admin.GetAsync($"/api/v1/appointments/{id}", Ct)).Headers.ETag!.ToString());
        AssertVerbatimOrRefused(await clinic.Admin.SendAsync(reschedule, Ct), HttpStatusCode.OK);

        var escaped = Uri.EscapeDataString(text);
        foreach (var parameter in new[] { "status", "from", "to", "clinicianId", "patientId", "cursor", "limit" })
            AssertVerbatimOrRefused(await clinic.Admin.GetAsync($"/api/v1/appointments?{parameter}={escaped}", Ct), HttpStatusCode.OK);
        AssertNotAServerError(await clinic.Admin.GetAsync($"/api/v1/appointments/{escaped}", Ct));

        var cancel = await clinic.Admin.PostAsync($"/api/v1/appointments/{id}/cancel", Body(("reason", text)), Ct);
        AssertVerbatimOrRefused(cancel, HttpStatusCode.OK);
        await AssertDatabaseIntactAsync(clinic);
    }

    private static void AssertNotAServerError(HttpResponseMessage response) =>
        Assert.True((int)response.StatusCode < 500, $"{response.RequestMessage!.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}");

    /// <summary>The practice's data is all still there: no statement smuggled in by a payload dropped or rewrote anything.</summary>
    private async Task AssertDatabaseIntactAsync(Clinic clinic)
    {
        var patient = await (await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Santos", patient.GetProperty("familyName").GetString());
        await using var connection = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await connection.OpenAsync(Ct);
        await using var verify = new NpgsqlCommand("SELECT count(*) FROM events WHERE practice_id = @p", connection);
        verify.Parameters.AddWithValue("p", clinic.Practice.PracticeId);
        Assert.True((long)(await verify.ExecuteScalarAsync(Ct))! > 0);
        var chain = await (await clinic.Admin.GetAsync("/api/v1/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(chain.GetProperty("valid").GetBoolean());
    }
}
