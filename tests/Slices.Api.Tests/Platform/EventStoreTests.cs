using System.Net;
using System.Net.Http.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;
using Slices.Api.Tests.Features.Patients;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class EventStoreTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_role_cannot_update_or_delete_events_and_the_owner_is_stopped_by_a_trigger()
    {
        var practice = await app.SignUpAsync();
        await using var appRole = new NpgsqlConnection(TestStack.AppConnectionStringFor(app.Database));
        await using var owner = new NpgsqlConnection(TestStack.OwnerConnectionString(app.Database));
        await appRole.OpenAsync(Ct);
        await owner.OpenAsync(Ct);
        await using (var tx = await appRole.BeginTransactionAsync(Ct))
        {
            await appRole.ExecuteAsync("SELECT set_config('app.tenant_id', @p, true)", new { p = practice.PracticeId.ToString() }, tx);
            var update = await Assert.ThrowsAsync<PostgresException>(() => appRole.ExecuteAsync("UPDATE events SET data = '{}'", transaction: tx));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        }
        await using (var tx = await owner.BeginTransactionAsync(Ct))
        {
            await owner.ExecuteAsync("SELECT set_config('app.tenant_id', @p, true)", new { p = practice.PracticeId.ToString() }, tx);
            var delete = await Assert.ThrowsAsync<PostgresException>(() => owner.ExecuteAsync("DELETE FROM events", transaction: tx));
            Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Verify_finds_the_first_event_the_owner_altered_with_triggers_disabled()
    {
        var practice = await app.SignUpAsync();
        await app.AddUserAsync(practice, "staff");
        var before = await (await app.AsAdmin(practice).GetAsync("/api/v1/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(before.GetProperty("valid").GetBoolean());
        Assert.True(before.GetProperty("eventsChecked").GetInt64() >= 4);

        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var target = await owner.QuerySingleAsync<(long Seq, Guid Id)>("SELECT seq, id FROM events WHERE practice_id = @p AND seq = 2", new { p = practice.PracticeId });
        await owner.ExecuteAsync("""
            ALTER TABLE events DISABLE TRIGGER events_append_only;
            UPDATE events SET data = '{"role": "staff"}' WHERE practice_id = @p AND seq = 2;
            ALTER TABLE events ENABLE TRIGGER events_append_only;
            """, new { p = practice.PracticeId });

        var after = await (await app.AsAdmin(practice).GetAsync("/api/v1/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.False(after.GetProperty("valid").GetBoolean());
        Assert.Equal(target.Seq, after.GetProperty("firstBroken").GetProperty("seq").GetInt64());
        Assert.Equal(target.Id, after.GetProperty("firstBroken").GetProperty("eventId").GetGuid());
        Assert.Equal("altered", after.GetProperty("firstBroken").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Two_writers_of_the_same_stream_version_get_one_success_and_one_409()
    {
        var practice = await app.SignUpAsync();
        var db = app.Services.GetRequiredService<Db>();
        var stream = $"test/{Guid.CreateVersion7()}";

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await db.InTenantAsync(practice.PracticeId, async (c, tx) =>
                {
                    await EventStore.AppendAsync(c, tx, new Actor("system", null, null), new NewEvent(stream, "test.happened", new { }, 1), Ct);
                    return true;
                }, Ct);
                return "ok";
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return e.ConstraintName;
            }
        }, Ct)));

        Assert.Equal(["events_practice_id_stream_version_key", "ok"], results.Order());
    }

    [Fact]
    public async Task A_one_statement_change_that_conflicts_at_its_commit_fails_alone_and_not_the_changes_committing_with_it()
    {
        var practice = await app.SignUpAsync();
        var db = app.Services.GetRequiredService<Db>();
        var taken = $"test/{Guid.CreateVersion7()}";
        Task<string?> ChangeAsync(string stream) => Task.Run(async () =>
        {
            try
            {
                return await db.ChangeInTenantAsync(practice.PracticeId, () =>
                {
                    var parameters = new DynamicParameters();
                    EventStore.AddParameters(parameters, new Actor("system", null, null), new NewEvent(stream, "test.happened", new { }, 1));
                    return new Statement($"WITH made AS (SELECT 1), recorded AS ({EventStore.StagedIf("made")}) SELECT 1", parameters);
                }, async rows => await rows.ReadAsync(Ct) ? "ok" : "no row", Ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return e.ConstraintName;
            }
        }, Ct);
        Assert.Equal("ok", await ChangeAsync(taken));

        // Every fifth change wants the version already taken, so it conflicts only when its commit seals it. Changes
        // that shared that commit must then run again on their own, and not fail with it.
        var streams = Enumerable.Range(0, 30).Select(i => i % 5 == 0 ? taken : $"test/{Guid.CreateVersion7()}").ToList();
        var results = await Task.WhenAll(streams.Select(ChangeAsync));

        Assert.Equal(streams.Select(s => s == taken ? "events_practice_id_stream_version_key" : "ok"), results);
    }

    [Fact]
    public async Task Concurrent_changes_in_one_practice_all_commit_into_one_chain_that_verifies()
    {
        var practice = await app.SignUpAsync();
        var admin = app.AsAdmin(practice);
        var db = app.Services.GetRequiredService<Db>();
        var stream = $"test/{Guid.CreateVersion7()}";

        // Patients in streams of their own, and appends to one shared stream that each take its next version.
        var created = Enumerable.Range(0, 30).Select(i => admin.PostAsJsonAsync("/api/v1/patients", PatientTests.NewPatient($"Name{i}", "Concurrent"), Ct));
        var appended = Enumerable.Range(0, 20).Select(_ => Task.Run(() => db.InTenantAsync(practice.PracticeId, async (c, tx) =>
        {
            await EventStore.AppendAsync(c, tx, new Actor("system", null, null), new NewEvent(stream, "test.happened", new { }), Ct);
            return true;
        }, Ct), Ct));
        var responses = await Task.WhenAll(created);
        await Task.WhenAll(appended);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var versions = await owner.QueryAsync<int>("SELECT version FROM events WHERE practice_id = @p AND stream = @stream ORDER BY seq",
            new { p = practice.PracticeId, stream });
        Assert.Equal(Enumerable.Range(1, 20), versions);
        var seqs = (await owner.QueryAsync<long>("SELECT seq FROM events WHERE practice_id = @p ORDER BY seq", new { p = practice.PracticeId })).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        var verified = await (await admin.GetAsync("/api/v1/audit/verify", Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(verified.GetProperty("valid").GetBoolean());
        Assert.Equal(seqs.Count, verified.GetProperty("eventsChecked").GetInt64());
    }

    [Fact]
    public async Task Events_are_hash_chained_per_practice_with_gap_free_sequence_numbers()
    {
        var a = await app.SignUpAsync("A");
        var b = await app.SignUpAsync("B");
        await app.AddUserAsync(a, "staff");

        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        foreach (var practice in new[] { a, b })
        {
            var chain = (await owner.QueryAsync<(long Seq, byte[] PrevHash, byte[] Hash)>(
                "SELECT seq, prev_hash, hash FROM events WHERE practice_id = @p ORDER BY seq", new { p = practice.PracticeId })).ToList();
            Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long)i), chain.Select(e => e.Seq));
            Assert.Equal(new byte[32], chain[0].PrevHash);
            for (var i = 1; i < chain.Count; i++) Assert.Equal(chain[i - 1].Hash, chain[i].PrevHash);
        }
    }
}
