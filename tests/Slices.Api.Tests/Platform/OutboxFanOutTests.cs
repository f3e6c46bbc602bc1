using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>
/// What each event leaves in the outbox, seen from an instance that only serves HTTP (no worker takes the rows): a
/// row only for a consumer that can act on it in that practice.
/// </summary>
public sealed class OutboxFanOutTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Webhook_rows_are_written_only_for_a_practice_with_an_enabled_endpoint_subscribed_to_the_type()
    {
        await using var app = await SlicesApp.StartAsync(s =>
        {
            s["SLICES_ROLE"] = "api";
            s["Webhooks:AllowLoopback"] = "true";
            s["Webhooks:RequireHttps"] = "false";
        });
        var plain = await Clinic.OpenAsync(app);
        var subscribed = await Clinic.OpenAsync(app);
        var endpoint = await (await subscribed.Admin.PostAsJsonAsync("/api/v1/webhooks",
            new { url = "http://127.0.0.1:9/hooks", events = new[] { "appointment.scheduled" } }, Ct)).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(HttpStatusCode.Created, (await plain.BookAsync(Clinic.Slot(9))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await subscribed.BookAsync(Clinic.Slot(9))).StatusCode);
        await subscribed.Admin.PostAsJsonAsync("/api/v1/patients", new { givenName = "Ana", familyName = "Lima", dateOfBirth = "1990-01-01", sex = "female" }, Ct);
        var disable = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/webhooks/{endpoint.GetProperty("id").GetGuid()}") { Content = JsonContent.Create(new { enabled = false }) };
        Assert.Equal(HttpStatusCode.OK, (await subscribed.Admin.SendAsync(disable, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await subscribed.BookAsync(Clinic.Slot(11))).StatusCode);

        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var rows = (await db.QueryAsync<(Guid Practice, string Consumer, string Type)>(
            "SELECT practice_id, consumer, type FROM outbox WHERE practice_id = ANY(@ids) AND consumer IN ('webhooks', 'calendar') ORDER BY seq",
            new { ids = new[] { plain.Practice.PracticeId, subscribed.Practice.PracticeId } })).ToList();

        // Only the booking made while the endpoint was on and subscribed to it: not the other practice's, not the
        // patient (another type), not the booking after the endpoint was switched off; no calendar is connected anywhere.
        var row = Assert.Single(rows);
        Assert.Equal((subscribed.Practice.PracticeId, "webhooks", "appointment.scheduled"), row);
        var notified = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE practice_id = ANY(@ids) AND consumer = 'notifications'",
            new { ids = new[] { plain.Practice.PracticeId, subscribed.Practice.PracticeId } });
        Assert.Equal(3, notified); // every booking still reaches the email consumer
    }
}
