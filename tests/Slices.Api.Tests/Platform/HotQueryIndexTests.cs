using System.Text.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;
using Patients = Slices.Api.Features.Patients;
using Appointments = Slices.Api.Features.Appointments;
using Audit = Slices.Api.Features.Audit;

namespace Slices.Api.Tests.Platform;

/// <summary>50,000 patients, appointments, events and access-log rows (one per patient, and 10,000 pages of forty) in one practice; each hot query's plan must use an index.</summary>
public sealed class HotQueryIndexTests(HotQueryIndexTests.Loaded loaded) : IClassFixture<HotQueryIndexTests.Loaded>
{
    private const int Rows = 50_000;
    private static readonly Guid Practice = Guid.CreateVersion7();
    private static readonly Guid Clinician = Guid.CreateVersion7();
    private static readonly Guid Patient = Guid.CreateVersion7();

    /// <summary>The practice, loaded once for every test here (they only read): the load takes a while on a busy machine.</summary>
    public sealed class Loaded : IAsyncLifetime
    {
        public string Database { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            Database = await TestDatabases.CloneAsync();
            await using var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(Database));
            // The test server commits asynchronously, and VACUUM marks a page all-visible only once its rows' commit is
            // on disk: this load commits synchronously, so the vacuum below settles the tables as it would in production.
            await admin.ExecuteAsync("""
                SET synchronous_commit = on;
                INSERT INTO practices (id, name) VALUES (@practice, 'Scale');
                INSERT INTO clinicians (practice_id, id, name, time_zone) VALUES (@practice, @clinician, 'Dr Scale', 'Etc/UTC');
                INSERT INTO clinicians (practice_id, id, name, time_zone) SELECT @practice, gen_random_uuid(), 'Dr ' || n, 'Etc/UTC' FROM generate_series(1, 49) n;
                INSERT INTO patients (practice_id, id, mrn, given_name, family_name, date_of_birth, sex, phone, email)
                SELECT @practice, CASE WHEN n = 1 THEN @patient ELSE gen_random_uuid() END, 'MRN-' || n, 'Given' || n, md5(n::text),
                       date '1940-01-01' + (n % 25000), 'unknown', '+4477009' || lpad(n::text, 5, '0'), 'p' || n || '@example.com'
                FROM generate_series(1, @rows) n;
                INSERT INTO appointments (practice_id, id, patient_id, clinician_id, starts_at, ends_at)
                SELECT @practice, gen_random_uuid(), p.id, c.id, timestamptz '2026-01-01' + (p.n / 50) * interval '30 minutes',
                       timestamptz '2026-01-01' + (p.n / 50) * interval '30 minutes' + interval '30 minutes'
                FROM (SELECT id, row_number() OVER () AS n FROM patients) p
                JOIN (SELECT id, row_number() OVER () - 1 AS k FROM clinicians) c ON c.k = p.n % 50;
                INSERT INTO events (practice_id, seq, id, stream, version, type, data, actor_type, occurred_at, prev_hash, hash)
                SELECT @practice, n, gen_random_uuid(), 'patient/' || p.id, 1, 'patient.created', '{}', 'system', now(), '\x00', '\x00'
                FROM (SELECT id, row_number() OVER () AS n FROM patients) p;
                INSERT INTO users (practice_id, id, name, email, role, password_hash)
                SELECT @practice, id, 'User', 'u' || n || '@example.com', 'clinician', 'x' FROM (SELECT gen_random_uuid() AS id, n FROM generate_series(1, @rows) n) u;
                INSERT INTO calendar_connections (practice_id, id, user_id, provider)
                SELECT @practice, gen_random_uuid(), id, CASE WHEN n % 2 = 0 THEN 'google' ELSE 'microsoft' END
                FROM (SELECT id, row_number() OVER () AS n FROM users) u;
                INSERT INTO phi_access_log (practice_id, actor_type, action, resource_type, resource_ids, patient_ids, patient_id)
                SELECT @practice, 'system', 'read', 'patient', ARRAY[id], ARRAY[id], id FROM patients;
                WITH numbered AS (SELECT id, row_number() OVER () AS n FROM patients),
                pages AS (
                    INSERT INTO phi_access_log (practice_id, actor_type, action, resource_type, resource_ids, patient_ids)
                    SELECT @practice, 'system', 'list', 'patient', array_agg(p.id), array_agg(p.id)
                    FROM (SELECT id, (n - 1) / 5 - k AS page FROM numbered, generate_series(0, 7) k) p WHERE page BETWEEN 0 AND 9999 GROUP BY page
                    RETURNING id, patient_ids)
                INSERT INTO phi_access_log_patients (practice_id, log_id, patient_ids) SELECT @practice, id, patient_ids FROM pages;
                ANALYZE;
                """, new { practice = Practice, clinician = Clinician, patient = Patient, rows = Rows }, commandTimeout: 600);
            // As autovacuum leaves settled tables: the visibility map lets the planner answer from an index alone, and a GIN
            // index's pending list is filed into the index.
            await admin.ExecuteAsync("VACUUM patients, appointments, phi_access_log_patients", commandTimeout: 600);
        }

        public async ValueTask DisposeAsync() => await TestDatabases.DropAsync(Database);
    }

    private static readonly object Page = new { after = Guid.Empty, includeArchived = false, limit = 51 };

    private static readonly Dictionary<string, (string Sql, object Parameters)> Queries = new()
    {
        ["patient by id"] = (Patients.Get.Data.Read, new { id = Patient }),
        ["patients page"] = (Patients.Search.Data.All, Page),
        ["patient search by name"] = (Patients.Search.Data.ByName,
            new { after = Guid.Empty, includeArchived = false, limit = 51, q = "c4ca4", prefix = "c4ca4", prefixEnd = "c4ca4" + char.ConvertFromUtf32(0x10FFFF) }),
        ["patient search by date of birth"] = (Patients.Search.Data.ByDateOfBirth, new { after = Guid.Empty, includeArchived = false, limit = 51, dateOfBirth = new DateOnly(1960, 5, 1) }),
        ["patient search by phone"] = (Patients.Search.Data.ByPhone, new { after = Guid.Empty, includeArchived = false, limit = 51, q = "+447700900123" }),
        ["patient search by email"] = (Patients.Search.Data.ByEmail, new { after = Guid.Empty, includeArchived = false, limit = 51, emailKey = "p42@example.com" }),
        ["a clinician's day"] = (Appointments.List.Data.Page, new
        {
            afterAt = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), afterId = Guid.Empty, clinicianId = Clinician, patientId = (Guid?)null, status = (string?)null, limit = 51,
            from = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), to = new DateTimeOffset(2026, 1, 11, 0, 0, 0, TimeSpan.Zero),
        }),
        ["a patient's appointments"] = (Appointments.List.Data.Page, new
        {
            afterAt = DateTimeOffset.MinValue, afterId = Guid.Empty, clinicianId = (Guid?)null, patientId = Patient, status = (string?)null, limit = 51,
            from = (DateTimeOffset?)null, to = (DateTimeOffset?)null,
        }),
        ["a patient's history events"] = (Patients.History.Data.Events, new { stream = $"patient/{Patient}", at = DateTimeOffset.UtcNow }),
        ["a user's calendar connection"] = ("SELECT id FROM calendar_connections WHERE user_id = @userId AND provider = @provider", new { userId = Patient, provider = "google" }),
        ["who looked at a patient"] = (Audit.PhiAccess.Data.Page, new { patientId = Patient, before = long.MaxValue, limit = 51 }),
    };

    public static TheoryData<string> HotQueries => [.. Queries.Keys];

    [Theory]
    [MemberData(nameof(HotQueries))]
    public async Task Each_hot_query_uses_an_index_not_a_sequential_scan(string query)
    {
        var (sql, parameters) = Queries[query];

        var (_, scans) = await PlanAsync("EXPLAIN (FORMAT JSON)", sql, parameters);

        Assert.DoesNotContain(scans, n => n.Type == "Seq Scan" && n.Relation is "patients" or "appointments" or "events" or "phi_access_log" or "phi_access_log_patients" or "calendar_connections");
        Assert.Contains(scans, n => n.Type.Contains("Index", StringComparison.Ordinal) || n.Type.StartsWith("Bitmap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_prefix_shared_by_many_reads_only_a_page_from_its_name_index()
    {
        // "given123" starts 111 of the 50,000 given names. The search answers in name order, so it reads the first 51
        // of them from the given-name index in that order, and no more, however many share the prefix.
        var (sql, _) = Queries["patient search by name"];

        var (plan, scans) = await PlanAsync("EXPLAIN (ANALYZE, FORMAT JSON)", sql,
            new { after = Guid.Empty, includeArchived = false, limit = 51, q = "given123", prefix = "given123", prefixEnd = "given123" + char.ConvertFromUtf32(0x10FFFF) });

        Assert.True(scans.Count(n => n.Index == "patients_given_search") == 1, plan);
        Assert.True(51 == scans.Single(n => n.Index == "patients_given_search").Rows, plan);
        Assert.DoesNotContain(scans, n => n.Relation == "patients" && n.Rows > 51);
    }

    [Fact]
    public async Task A_clinicians_day_reads_a_few_pages_of_its_own_index_and_none_of_the_table()
    {
        // The clinician's appointments run from 2026-01-01, 48 a day. The twentieth day's scan starts at that day, not at
        // the clinician's first appointment, and every column it returns comes from the index.
        var from = new DateTimeOffset(2026, 1, 20, 0, 0, 0, TimeSpan.Zero);
        var (afterAt, afterId) = Appointments.List.Data.StartAfter((DateTimeOffset.MinValue, Guid.Empty), from);

        var (plan, scans) = await PlanAsync("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)", Appointments.List.Data.Page,
            new { afterAt, afterId, clinicianId = Clinician, patientId = (Guid?)null, status = (string?)null, limit = 51, from, to = from.AddDays(1) });

        var day = scans.Single(n => n.Relation == "appointments");
        Assert.True(day is { Type: "Index Only Scan", Index: "appointments_clinician_day", Rows: 48, HeapFetches: 0 }, plan);
        Assert.True(day.Buffers <= 6, plan); // the root, the inner pages and a leaf or two; from the first day it would be 17
    }

    /// <summary>The statement's plan as the API role sees it inside the practice's tenant, and its nodes.</summary>
    private async Task<(string Plan, List<Node> Nodes)> PlanAsync(string explain, string sql, object parameters)
    {
        await using var connection = new NpgsqlConnection(TestStack.AppConnectionStringFor(loaded.Database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var tx = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await connection.ExecuteAsync("SELECT set_config('app.tenant_id', @p, true)", new { p = Practice.ToString() }, tx);
        await connection.ExecuteAsync(Audit.PhiAccess.Data.ForPatient, new { patientId = Patient }, tx);
        var plan = await connection.ExecuteScalarAsync<string>($"{explain} {sql}", parameters, tx);
        return (plan!, Nodes(JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan")).ToList());
    }

    private sealed record Node(string Type, string? Relation, string? Index, long Rows, long Buffers, long HeapFetches);

    private static IEnumerable<Node> Nodes(JsonElement plan)
    {
        long Number(string name) => plan.TryGetProperty(name, out var n) ? n.GetInt64() : 0;
        yield return new Node(plan.GetProperty("Node Type").GetString()!, plan.TryGetProperty("Relation Name", out var r) ? r.GetString() : null,
            plan.TryGetProperty("Index Name", out var i) ? i.GetString() : null, Number("Actual Rows") * Number("Actual Loops"),
            Number("Shared Hit Blocks") + Number("Shared Read Blocks"), Number("Heap Fetches"));
        if (!plan.TryGetProperty("Plans", out var children)) yield break;
        foreach (var child in children.EnumerateArray())
            foreach (var node in Nodes(child)) yield return node;
    }
}
