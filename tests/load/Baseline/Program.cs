using Dapper;
using Npgsql;
using Slices.Api.Features.Appointments;
using Slices.Api.Features.Patients;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.RateLimiting;
using StackExchange.Redis;

// Bare Kestrel, one NpgsqlDataSource with auto-prepared statements, no middleware: each route answers with the one
// plain SELECT that returns the rows the product's endpoint returns (no tenant setting, no session, no access log).
// Under /rl the same routes first make the product's rate-limit check (its default policy, one partition per practice
// as the product's is per user), to price the limiter alone.
//   BASELINE_DATABASE_URL (a role that bypasses row-level security), BASELINE_REDIS (host:port), PORT, and the
//   product's RateLimiting__PermitLimit, __WindowSeconds and __LeasePercent
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{Environment.GetEnvironmentVariable("PORT") ?? "8090"}");
var app = builder.Build();

DatabaseExtensions.ConfigureDapper();
// As the product's pool (DatabaseOptions): without NoResetOnClose, every reuse of a pooled connection first ran seven
// reset statements (RESET ALL, DISCARD ...) that the product never pays, and the ratio flattered the product.
var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("BASELINE_DATABASE_URL"))
{
    MaxAutoPrepare = 20, AutoPrepareMinUsages = 2, MaxPoolSize = 40, NoResetOnClose = true,
};
await using var database = NpgsqlDataSource.Create(connection.ConnectionString);
var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("BASELINE_REDIS") ?? "127.0.0.1:6379");
var limits = builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
var gate = new RateLimitGate(new WindowCounter(redis, TimeProvider.System), redis, limits, app.Services.GetRequiredService<ILogger<RateLimitGate>>());
var policy = LimitPolicies.Of(LimitPolicies.Default, limits);

const string PatientById = $"SELECT {Patient.Columns} FROM patients WHERE practice_id = @practiceId AND id = @id";
const string Search = $"""
    SELECT {Patient.Columns} FROM patients WHERE practice_id = @practiceId AND archived_at IS NULL
      AND ((family_key >= @prefix AND family_key < @prefixEnd) OR (given_key >= @prefix AND given_key < @prefixEnd) OR mrn = @q)
    ORDER BY id LIMIT 20
    """;
const string Day = $"""
    SELECT {Appointment.Columns} FROM appointments
    WHERE practice_id = @practiceId AND clinician_id = @clinicianId AND starts_at >= @from AND starts_at < @to
    ORDER BY starts_at, id LIMIT 50
    """;
var highest = char.ConvertFromUtf32(0x10FFFF);

foreach (var prefix in new[] { "", "/rl" })
{
    var limited = prefix.Length > 0;
    app.MapGet(prefix + "/patients/{practiceId:guid}/{id:guid}", async (Guid practiceId, Guid id) =>
    {
        if (limited) await gate.CheckAsync(policy, $"practice:{practiceId}");
        await using var c = await database.OpenConnectionAsync();
        var patient = await c.QuerySingleOrDefaultAsync<Patient>(PatientById, new { practiceId, id });
        return patient is null ? Results.NotFound() : Results.Ok(patient);
    });
    app.MapGet(prefix + "/patients/{practiceId:guid}", async (Guid practiceId, string q) =>
    {
        if (limited) await gate.CheckAsync(policy, $"practice:{practiceId}");
        await using var c = await database.OpenConnectionAsync();
        var p = q.ToLowerInvariant();
        return Results.Ok(new { items = await c.QueryAsync<Patient>(Search, new { practiceId, prefix = p, prefixEnd = p + highest, q }) });
    });
    app.MapGet(prefix + "/appointments/{practiceId:guid}/{clinicianId:guid}", async (Guid practiceId, Guid clinicianId, DateTimeOffset from, DateTimeOffset to) =>
    {
        if (limited) await gate.CheckAsync(policy, $"practice:{practiceId}");
        await using var c = await database.OpenConnectionAsync();
        return Results.Ok(new { items = await c.QueryAsync<Appointment>(Day, new { practiceId, clinicianId, from, to }) });
    });
}
app.MapGet("/ready", () => Results.Ok());
app.MapGet("/allocated", () => GC.GetTotalAllocatedBytes()); // read by the runner before and after each run
await app.RunAsync();
