using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>Every endpoint in the OpenAPI document logs each request exactly once, with the caller, and never its PHI.</summary>
public sealed class EndpointLoggingTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // A patient whose details must never appear in a log line.
    private const string GivenName = "Zebulon";
    private const string FamilyName = "Quimbyfeather";
    private const string Email = "zebulon.quimbyfeather@phi.example";
    private const string Phone = "+447700900987";
    private const string BirthDate = "1961-07-23";

    [Fact]
    public async Task Each_request_to_each_endpoint_has_one_completion_line_with_the_caller_and_no_phi()
    {
        var clinic = await Clinic.OpenAsync(app);
        var patient = await (await clinic.Admin.PostAsJsonAsync("/api/v1/patients",
            new { givenName = GivenName, familyName = FamilyName, dateOfBirth = BirthDate, sex = "male", phone = Phone, email = Email }, Ct)).JsonAsync(HttpStatusCode.Created);
        var patientId = patient.GetProperty("id").GetGuid();
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => !p.Name.Contains("test-probes", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Method: o.Name.ToUpperInvariant(), Path: p.Name)))
            .OrderBy(o => o.Path.EndsWith("/logout", StringComparison.Ordinal)) // ends the session: last
            .ToList();

        var sent = new List<(string RequestId, string Method, string Path, int Status)>();
        foreach (var (method, path, index) in operations.Select((o, i) => (o.Method, o.Path, i)))
        {
            var url = path.Replace("{id}", patientId.ToString(), StringComparison.Ordinal);
            if (method == "GET" && path == "/api/v1/patients") url += $"?q={FamilyName}";
            var request = new HttpRequestMessage(new HttpMethod(method), url);
            if (method is "POST" or "PUT" or "PATCH") // PHI in every body: it must not reach a log
                request.Content = new StringContent(JsonSerializer.Serialize(new { givenName = GivenName, familyName = FamilyName, email = Email, phone = Phone, dateOfBirth = BirthDate }), Encoding.UTF8, "application/json");
            var requestId = $"log-proof-{index}";
            request.Headers.Add("X-Request-ID", requestId);
            var response = await clinic.Admin.SendAsync(request, Ct);
            sent.Add((requestId, method, path, (int)response.StatusCode));
        }

        Assert.True(sent.Count >= 45, $"only {sent.Count} operations exercised");
        foreach (var (requestId, method, path, status) in sent)
        {
            var lines = await app.Logs.CompletionLinesAsync(requestId);
            var line = Assert.Single(lines);
            var p = line.Properties;
            Assert.Equal($"\"{method}\"", p["RequestMethod"].ToString());
            Assert.Equal($"\"{path}\"", p["RouteTemplate"].ToString());
            Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), p["StatusCode"].ToString());
            Assert.True(p.ContainsKey("Elapsed") && p.ContainsKey("TraceId"), $"{method} {path}: no timing or trace id");
            if (status != 401)
            {
                Assert.Equal($"\"{clinic.Practice.PracticeId}\"", p["PracticeId"].ToString());
                Assert.Equal($"\"{clinic.Practice.AdminId}\"", p["ActorId"].ToString());
            }
        }
        foreach (var line in app.Logs.JsonLines)
            foreach (var phi in new[] { GivenName, FamilyName, Email, Phone, BirthDate })
                Assert.DoesNotContain(phi, line, StringComparison.OrdinalIgnoreCase);
    }
}
