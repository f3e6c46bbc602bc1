using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Platform.Caching;
using Slices.Api.Tests.Infrastructure;
using StackExchange.Redis;

namespace Slices.Api.Tests.Platform;

/// <summary>The two-level cache against real Redis and PostgreSQL: fresh across instances, per practice, and out of the way when Redis is not.</summary>
public sealed class CacheTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_read_on_one_instance_after_a_write_on_another_never_returns_the_old_value()
    {
        await using var a = await SlicesApp.StartAsync(_ => { });
        await using var b = await a.StartAnotherAsync();
        var clinic = await Clinic.OpenAsync(a);
        var onB = b.AsAdmin(clinic.Practice);
        await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        Assert.Equal("slices; hit; detail=redis", CacheStatus(await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct))); // what A loaded, B finds in Redis

        for (var round = 0; round < 15; round++)
        {
            await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
            await onB.GetAsync("/api/v1/patients?q=maria", Ct);
            var cached = await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
            Assert.StartsWith("slices; hit", CacheStatus(cached), StringComparison.Ordinal); // B really serves it from its cache
            Assert.StartsWith("slices; hit", CacheStatus(await onB.GetAsync("/api/v1/patients?q=maria", Ct)), StringComparison.Ordinal);

            var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{clinic.PatientId}") { Content = JsonContent.Create(new { familyName = $"Santos-{round}" }) };
            rename.Headers.IfMatch.ParseAdd(cached.Headers.ETag!.ToString());
            Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.SendAsync(rename, Ct)).StatusCode);

            var read = await (await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK);
            var found = await (await onB.GetAsync("/api/v1/patients?q=maria", Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Equal($"Santos-{round}", read.GetProperty("familyName").GetString());
            Assert.Equal($"Santos-{round}", found.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetGuid() == clinic.PatientId).GetProperty("familyName").GetString());
        }
    }

    [Fact]
    public async Task A_write_on_one_instance_drops_the_memory_copies_of_the_others_without_them_reading_again()
    {
        await using var a = await SlicesApp.StartAsync(_ => { });
        await using var b = await a.StartAnotherAsync();
        var clinic = await Clinic.OpenAsync(a);
        var cacheOfB = b.Services.GetRequiredService<TwoLevelCache>();
        var read = await b.AsAdmin(clinic.Practice).GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        Assert.True(cacheOfB.InMemory(CacheArea.Patients, clinic.Practice.PracticeId, $"patient:{clinic.PatientId}"));

        var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{clinic.PatientId}") { Content = JsonContent.Create(new { familyName = "Santos-Pereira" }) };
        rename.Headers.IfMatch.ParseAdd(read.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.SendAsync(rename, Ct)).StatusCode);

        // Only the message on the channel can drop it: B has not read since, and its copy lives for minutes.
        await Eventually.TrueAsync(() => !cacheOfB.InMemory(CacheArea.Patients, clinic.Practice.PracticeId, $"patient:{clinic.PatientId}"), "B dropped its copy");

        // The generation the write bumped expires, so Redis does not keep a key for every record ever written.
        var redis = a.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var generation = (RedisKey)$"slices:cache:gen:{clinic.Practice.PracticeId:N}:patient/{clinic.PatientId}";
        Assert.True((long)await redis.StringGetAsync(generation) >= 1);
        Assert.True(await redis.KeyTimeToLiveAsync(generation) is { } ttl && ttl > TimeSpan.Zero, "the generation has a time to live");
    }

    [Fact]
    public async Task A_booking_on_one_instance_takes_its_slot_out_of_the_availability_another_instance_has_cached()
    {
        await using var a = await SlicesApp.StartAsync(_ => { });
        await using var b = await a.StartAnotherAsync();
        var clinic = await Clinic.OpenAsync(a);
        var onB = b.AsAdmin(clinic.Practice);
        var day = Clinic.Slot(0);
        var url = $"/api/v1/clinicians/{clinic.ClinicianId}/availability?from={Uri.EscapeDataString(day.ToString("O"))}&to={Uri.EscapeDataString(day.AddDays(1).ToString("O"))}&duration=30";

        await onB.GetAsync(url, Ct);
        var cached = await onB.GetAsync(url, Ct);
        Assert.StartsWith("slices; hit", CacheStatus(cached), StringComparison.Ordinal);
        var first = (await cached.JsonAsync(HttpStatusCode.OK)).GetProperty("slots")[0].GetProperty("startsAt").GetDateTimeOffset();

        Assert.Equal(HttpStatusCode.Created, (await clinic.BookAsync(first)).StatusCode);
        var after = await (await onB.GetAsync(url, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.DoesNotContain(after.GetProperty("slots").EnumerateArray(), s => s.GetProperty("startsAt").GetDateTimeOffset() == first);
    }

    [Fact]
    public async Task An_instance_that_misses_the_invalidation_message_still_never_serves_from_memory_what_a_write_elsewhere_replaced()
    {
        await using var a = await SlicesApp.StartAsync(_ => { });
        await using var b = await a.StartAnotherAsync();
        var clinic = await Clinic.OpenAsync(a);
        // Pub/sub delivers at most once (a message sent while B reconnects is gone): here B hears none, so only the
        // generations it reads with each lookup, for users beside their session and for API keys beside the key, keep it right.
        await b.Services.GetRequiredService<IConnectionMultiplexer>().GetSubscriber().UnsubscribeAllAsync();

        var onB = b.AsAdmin(clinic.Practice);
        await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        var cached = await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        Assert.Equal("slices; hit; detail=memory", CacheStatus(cached));
        var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{clinic.PatientId}") { Content = JsonContent.Create(new { familyName = "Santos-Lima" }) };
        rename.Headers.IfMatch.ParseAdd(cached.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.SendAsync(rename, Ct)).StatusCode);
        Assert.Equal("Santos-Lima", (await (await onB.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK)).GetProperty("familyName").GetString());

        var key = await (await clinic.Admin.PostAsJsonAsync("/api/v1/api-keys", new { name = "Front desk", scopes = new[] { "appointments:read" } }, Ct)).JsonAsync(HttpStatusCode.Created);
        var integrator = b.CreateClientWithoutCookies();
        integrator.DefaultRequestHeaders.Add("X-API-Key", key.GetProperty("key").GetString());
        var day = Clinic.Slot(0);
        var url = $"/api/v1/appointments?clinicianId={clinic.ClinicianId}&from={Uri.EscapeDataString(day.ToString("O"))}&to={Uri.EscapeDataString(day.AddDays(1).ToString("O"))}";

        foreach (var (caller, hour) in new[] { (onB, 9), (integrator, 11) })
        {
            await caller.GetAsync(url, Ct);
            Assert.Equal("slices; hit; detail=memory", CacheStatus(await caller.GetAsync(url, Ct)));
            var booked = await (await clinic.BookAsync(day.AddHours(hour))).JsonAsync(HttpStatusCode.Created);

            var listed = await (await caller.GetAsync(url, Ct)).JsonAsync(HttpStatusCode.OK);
            Assert.Contains(listed.GetProperty("items").EnumerateArray(), x => x.GetProperty("id").GetGuid() == booked.GetProperty("id").GetGuid());
        }
    }

    [Fact]
    public async Task Practices_never_get_each_others_entries_even_for_the_same_record_id_and_phi_is_ciphertext_in_redis()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        var (one, two) = (await app.SignUpAsync("North Clinic"), await app.SignUpAsync("South Clinic"));
        var id = Guid.CreateVersion7();
        await using (var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database)))
        {
            foreach (var (practice, name) in new[] { (one, "Northcote"), (two, "Southwell") })
                await admin.ExecuteAsync("INSERT INTO patients (practice_id, id, given_name, family_name, date_of_birth, sex) VALUES (@p, @id, 'Alex', @name, '1970-01-01', 'unknown')",
                    new { p = practice.PracticeId, id, name });
        }

        foreach (var _ in Enumerable.Range(0, 3))
        {
            Assert.Equal("Northcote", (await ReadAsync(app, one, id)).GetProperty("familyName").GetString());
            Assert.Equal("Southwell", (await ReadAsync(app, two, id)).GetProperty("familyName").GetString());
        }

        // What Redis holds is key-ring ciphertext, bound to its practice: copied over the other practice's entry, it is not served.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.Settings["REDIS_URL"]!.Replace("redis://", "", StringComparison.Ordinal).Split('/')[0]);
        var db = redis.GetDatabase(app.RedisDatabase);
        var (northKey, southKey) = ($"slices:cache:patients:{one.PracticeId:N}:patient:{id}", $"slices:cache:patients:{two.PracticeId:N}:patient:{id}");
        var north = (string?)await db.StringGetAsync(northKey);
        Assert.NotNull(north);
        Assert.DoesNotContain("Northcote", north, StringComparison.Ordinal);
        Assert.True(await db.KeyTimeToLiveAsync(northKey) <= TimeSpan.FromMinutes(5));
        await db.StringSetAsync(southKey, north, TimeSpan.FromMinutes(5));
        var restarted = await app.StartAnotherAsync(); // no memory copy: it goes to Redis
        await using (restarted)
            Assert.Equal("Southwell", (await ReadAsync(restarted, two, id)).GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task With_redis_down_or_stalled_reads_come_from_the_database_and_writes_still_show()
    {
        await using var redis = await PrivateRedis.StartAsync();
        await using var app = await SlicesApp.StartAsync(s => s["REDIS_URL"] = redis.Url);
        var clinic = await Clinic.OpenAsync(app);
        await ReadAsync(app, clinic.Practice, clinic.PatientId);
        Assert.StartsWith("slices; hit", CacheStatus(await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)), StringComparison.Ordinal);

        await using (var control = await ConnectionMultiplexer.ConnectAsync(redis.Url.Replace("redis://", "", StringComparison.Ordinal) + ",allowAdmin=true"))
        {
            await control.GetDatabase().ExecuteAsync("CLIENT", "PAUSE", "10000", "ALL");
            var stalled = await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
            Assert.Equal(HttpStatusCode.OK, stalled.StatusCode);
            Assert.Equal("slices; fwd=bypass", CacheStatus(stalled));
        }

        await redis.StopAsync();
        var get = await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("slices; fwd=bypass", CacheStatus(get));
        var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/patients/{clinic.PatientId}") { Content = JsonContent.Create(new { familyName = "Santos-Offline" }) };
        rename.Headers.IfMatch.ParseAdd(get.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await clinic.Admin.SendAsync(rename, Ct)).StatusCode);
        Assert.Equal("Santos-Offline", (await ReadAsync(app, clinic.Practice, clinic.PatientId)).GetProperty("familyName").GetString());

        await redis.StartAgainAsync();
        var back = await Eventually.ValueAsync(() => clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct), r => CacheStatus(r) != "slices; fwd=bypass", "the cache is used again");
        Assert.Equal("Santos-Offline", (await back.JsonAsync(HttpStatusCode.OK)).GetProperty("familyName").GetString());
    }

    private static async Task<JsonElement> ReadAsync(SlicesApp app, Practice practice, Guid patientId) =>
        await (await app.AsAdmin(practice).GetAsync($"/api/v1/patients/{patientId}", Ct)).JsonAsync(HttpStatusCode.OK);

    private static string? CacheStatus(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Cache-Status", out var values) ? values.Single() : null;
}
