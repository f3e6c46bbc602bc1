using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Audit;

public sealed class AuditDailyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonElement?> AdminsDayAsync(HttpClient admin, Guid adminId)
    {
        var daily = await (await admin.GetAsync($"/api/v1/audit/daily?from={Today}&to={Today}", Ct)).JsonAsync(HttpStatusCode.OK);
        return daily.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("actorId").GetGuid() == adminId).Cast<JsonElement?>().SingleOrDefault();
    }

    [Fact]
    public async Task The_job_counts_each_users_events_and_phi_reads_per_day_once_and_adds_only_what_is_new()
    {
        await using var app = await SlicesApp.StartAsync(s => s["Audit:AggregationSettleSeconds"] = "0");
        var practice = await app.SignUpAsync();
        var other = await app.SignUpAsync("Other Clinic");
        var admin = app.AsAdmin(practice);
        var patient = await (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Ana", familyName = "Silva", dateOfBirth = "1990-01-01", sex = "female" }, Ct)).JsonAsync(HttpStatusCode.Created);
        var read = $"/api/v1/patients/{patient.GetProperty("id").GetGuid()}";
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(read, Ct)).StatusCode);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        const string eventsByAdmin = "SELECT count(*) FROM events WHERE practice_id = @practiceId AND actor_id = @adminId";
        var events = await db.QuerySingleAsync<long>(eventsByAdmin, new { practice.PracticeId, practice.AdminId });
        var jobs = app.Services.GetRequiredService<IRecurringJobManager>();

        jobs.Trigger("audit-aggregation");
        var day = await Eventually.ValueAsync(() => AdminsDayAsync(admin, practice.AdminId), d => d?.GetProperty("phiReads").GetInt64() == 3, "three reads counted");
        Assert.Equal(events, day!.Value.GetProperty("events").GetInt64());
        Assert.Equal("user", day.Value.GetProperty("actorType").GetString());

        // Run again with nothing new, then after two more reads: counts grow by exactly what happened.
        jobs.Trigger("audit-aggregation");
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(read, Ct)).StatusCode);
        jobs.Trigger("audit-aggregation");
        day = await Eventually.ValueAsync(() => AdminsDayAsync(admin, practice.AdminId), d => d?.GetProperty("phiReads").GetInt64() >= 5, "five reads counted");
        await Task.Delay(500, Ct);
        day = await AdminsDayAsync(admin, practice.AdminId);
        Assert.Equal(5, day!.Value.GetProperty("phiReads").GetInt64());
        Assert.Equal(await db.QuerySingleAsync<long>(eventsByAdmin, new { practice.PracticeId, practice.AdminId }), day.Value.GetProperty("events").GetInt64());

        // Another practice sees its own counts only.
        Assert.Null(await AdminsDayAsync(app.AsAdmin(other), practice.AdminId));
    }

    [Fact]
    public async Task A_page_counts_one_read_for_each_patient_it_showed()
    {
        await using var app = await SlicesApp.StartAsync(s => s["Audit:AggregationSettleSeconds"] = "0");
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = $"Ana{i}", familyName = "Silva", dateOfBirth = "1990-01-01" }, Ct)).StatusCode);

        var page = await (await admin.GetAsync("/api/v1/patients?limit=2", Ct)).JsonAsync(HttpStatusCode.OK);
        app.Services.GetRequiredService<IRecurringJobManager>().Trigger("audit-aggregation");

        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        await Eventually.ValueAsync(() => AdminsDayAsync(admin, practice.AdminId), d => d?.GetProperty("phiReads").GetInt64() == 2, "one page of two patients counted as two reads");
    }

    [Theory]
    [InlineData("", "to")]
    [InlineData("?from=2026-11-24", "to")]
    [InlineData("?from=2026-11-24&to=2026-11-01", "to")]
    [InlineData("?from=2026-01-01&to=2026-11-01", "to")]
    [InlineData("?from=yesterday&to=2026-11-01", "from")]
    public async Task Bad_ranges_are_400s_naming_the_field(string query, string field)
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var practice = await app.SignUpAsync();

        var problem = await (await app.AsAdmin(practice).GetAsync($"/api/v1/audit/daily{query}", Ct)).AssertProblemAsync(400);

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }
}
