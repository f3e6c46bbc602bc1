using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Idempotency;

/// <summary>What a create answers: its status, body, Location and ETag, fresh or replayed.</summary>
public sealed record Created(int Status, object Body, string? Location, string? ETag = null);

/// <summary>
/// Idempotency-Key on creates. The key is reserved in the same transaction as the change and stores the response
/// there too, so a retry after a crash either finds nothing (the change rolled back) or replays the first answer.
/// A duplicate sent while the first still runs waits for it on the key's row lock, then replays. Keys belong to
/// one caller (practice and principal), last 24 hours, and a different body under a used key is 422.
/// </summary>
public sealed class IdempotentCreate(Db db)
{
    public const string Header = "Idempotency-Key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private const string Reserve = """
        INSERT INTO idempotency_keys AS k (practice_id, principal, key, request_hash)
        VALUES (current_tenant(), @principal, @key, @hash)
        ON CONFLICT (practice_id, principal, key) DO UPDATE
            SET request_hash = excluded.request_hash, status = NULL, body = NULL, location = NULL, etag = NULL, created_at = now()
            WHERE k.created_at < now() - interval '24 hours'
        RETURNING true
        """;

    private const string Load = "SELECT request_hash, status, body, location, etag FROM idempotency_keys WHERE principal = @principal AND key = @key";

    private const string Store = "UPDATE idempotency_keys SET status = @status, body = @body, location = @location, etag = @etag WHERE principal = @principal AND key = @key";

    /// <summary>Runs <paramref name="create"/> in the practice's transaction, once per Idempotency-Key, and sends the answer.</summary>
    public async Task SendAsync(HttpContext http, object request, Func<NpgsqlConnection, NpgsqlTransaction, Task<Created>> create, CancellationToken ct)
    {
        var key = http.Request.Headers[Header].ToString();
        var practiceId = http.User.PracticeId();
        if (string.IsNullOrEmpty(key))
        {
            await WriteAsync(http, await db.InTenantAsync(practiceId, create, ct), replayed: false, ct);
            return;
        }
        if (key.Length > 255 || key.Any(c => c is < '!' or > '~'))
            throw new ApiException(StatusCodes.Status400BadRequest, "Idempotency-Key is 1 to 255 visible ASCII characters; a UUID is a good choice.");

        var actor = Actor.Of(http);
        var principal = $"{actor.Type}:{actor.ActorId}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n{JsonSerializer.Serialize(request, Json)}"));

        var (answer, replayed) = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var reserved = await c.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(Reserve, new { principal, key, hash }, tx, cancellationToken: ct));
            if (reserved is null)
            {
                var stored = await c.QuerySingleAsync<(byte[] Hash, int? Status, string? Body, string? Location, string? ETag)>(new CommandDefinition(Load, new { principal, key }, tx, cancellationToken: ct));
                if (!stored.Hash.AsSpan().SequenceEqual(hash))
                    throw new ApiException(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was already used with a different request. Use a new key for a new request.");
                return (new Created(stored.Status!.Value, new RawJson(stored.Body!), stored.Location, stored.ETag), true);
            }
            var created = await create(c, tx);
            await c.ExecuteAsync(new CommandDefinition(Store, new { principal, key, status = created.Status, body = JsonSerializer.Serialize(created.Body, Json), location = created.Location, etag = created.ETag }, tx, cancellationToken: ct));
            return (created, false);
        }, ct);
        await WriteAsync(http, answer, replayed, ct);
    }

    /// <summary>
    /// A create made by one statement (see <see cref="Db.ChangeInTenantAsync{T}"/>): without an Idempotency-Key it
    /// costs one round trip; with one, it runs in the key's transaction like any other create.
    /// </summary>
    public async Task SendAsync(HttpContext http, object request, Func<Statement> statement, Func<DbDataReader, Task<Created>> answer, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(http.Request.Headers[Header].ToString()))
        {
            await SendAsync(http, request, async (c, tx) =>
            {
                var (sql, parameters) = statement();
                await using var rows = await c.ExecuteReaderAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
                return await answer(rows);
            }, ct);
            return;
        }
        await WriteAsync(http, await db.ChangeInTenantAsync(http.User.PracticeId(), statement, answer, ct), replayed: false, ct);
    }

    private static async Task WriteAsync(HttpContext http, Created answer, bool replayed, CancellationToken ct)
    {
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        if (answer.Location is not null) http.Response.Headers.Location = answer.Location;
        if (answer.ETag is not null) http.Response.Headers.ETag = answer.ETag;
        if (replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        await http.Response.WriteAsync(answer.Body is RawJson raw ? raw.Text : JsonSerializer.Serialize(answer.Body, Json), ct);
    }

    private sealed record RawJson(string Text);
}
