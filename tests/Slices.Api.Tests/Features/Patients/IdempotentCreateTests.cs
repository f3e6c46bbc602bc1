using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Patients;

public sealed class IdempotentCreateTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_answer()
    {
        var practice = await app.SignUpAsync();
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(app.AsAdmin(practice), key, PatientTests.NewPatient("Maria", "Santos"));
        var second = await PostAsync(app.AsAdmin(practice), key, PatientTests.NewPatient("Maria", "Santos"));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await CountAsync(practice, "Santos"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        var practice = await app.SignUpAsync();
        var key = Guid.NewGuid().ToString();
        await PostAsync(app.AsAdmin(practice), key, PatientTests.NewPatient("Maria", "Santos"));

        var response = await PostAsync(app.AsAdmin(practice), key, PatientTests.NewPatient("Ann", "Lee"));

        await response.AssertProblemAsync(422);
        Assert.Equal(0, await CountAsync(practice, "Lee"));
    }

    [Fact]
    public async Task Fifty_concurrent_requests_with_one_key_make_one_patient_and_no_5xx()
    {
        var practice = await app.SignUpAsync();
        var key = Guid.NewGuid().ToString();
        var client = app.AsAdmin(practice);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => PostAsync(client, key, PatientTests.NewPatient("Concurrent", "Caller"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.Location).Distinct());
        Assert.Equal(1, await CountAsync(practice, "Caller"));
    }

    [Fact]
    public async Task A_key_belongs_to_its_caller_and_validation_failures_are_not_kept()
    {
        var practice = await app.SignUpAsync();
        var (_, _, otherUser) = await app.AddUserAsync(practice, "staff");
        var key = Guid.NewGuid().ToString();

        var invalid = await PostAsync(app.AsAdmin(practice), key, new { givenName = "", familyName = "X", dateOfBirth = "1984-03-12", sex = "female" });
        var valid = await PostAsync(app.AsAdmin(practice), key, PatientTests.NewPatient("Maria", "Santos"));
        var otherCaller = await PostAsync(app.As(otherUser), key, PatientTests.NewPatient("Maria", "Santos"));

        await invalid.AssertProblemAsync(400);
        Assert.Equal(HttpStatusCode.Created, valid.StatusCode);
        Assert.Equal(HttpStatusCode.Created, otherCaller.StatusCode);
        Assert.False(otherCaller.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(2, await CountAsync(practice, "Santos"));
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/patients") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request, Ct);
    }

    private async Task<long> CountAsync(Practice practice, string familyName)
    {
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        return await admin.ExecuteScalarAsync<long>("SELECT count(*) FROM patients WHERE practice_id = @p AND family_name = @familyName", new { p = practice.PracticeId, familyName });
    }
}
