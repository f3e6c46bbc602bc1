using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Webhooks.RotateSecret;

public sealed record Request(Guid Id);

/// <summary>The new secret, shown this once; the old one keeps signing (a second signature) until previousSecretExpiresAt.</summary>
public sealed record Response(Guid Id, string Secret, DateTimeOffset PreviousSecretExpiresAt);

public sealed class Endpoint(Db db, KeyRing keyRing, TimeProvider clock) : Endpoint<Request, Response>
{
    private static readonly TimeSpan Overlap = TimeSpan.FromHours(24);

    private const string Current = "SELECT secret FROM webhook_endpoints WHERE id = @id FOR UPDATE";

    private const string Rotate = """
        UPDATE webhook_endpoints SET previous_secret = @previous, previous_expires_at = @expiresAt, secret = @secret, version = version + 1, updated_at = now()
        WHERE id = @id
        """;

    public override void Configure()
    {
        Post("/webhooks/{id}/rotate-secret");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Rotate an endpoint's signing secret";
            s.Description = "Makes a new secret. For 24 hours every message carries two signatures (space-separated in webhook-signature), one per secret, so the receiver can switch to the new secret whenever it is ready.";
            s.ResponseExamples[200] = new Response(Webhook.Example.Id, "whsec_Y2hhbmdlZCBzZWNyZXQgZXhhbXBsZSB2YWx1ZQ==", new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero));
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var practiceId = User.PracticeId();
        var secret = WebhookSecrets.Create();
        var expiresAt = clock.GetUtcNow() + Overlap;
        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var current = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition(Current, new { id = req.Id }, tx, cancellationToken: ct))
                          ?? throw ApiException.NotFound("webhook endpoint");
            var previous = keyRing.Decrypt(current, EncryptedColumns.WebhookSecret.Context(req.Id, practiceId));
            await c.ExecuteAsync(new CommandDefinition(Rotate, new
            {
                id = req.Id, expiresAt,
                previous = keyRing.Encrypt(previous, EncryptedColumns.WebhookPreviousSecret.Context(req.Id, practiceId)),
                secret = keyRing.Encrypt(secret, EncryptedColumns.WebhookSecret.Context(req.Id, practiceId)),
            }, tx, cancellationToken: ct));
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"webhook/{req.Id}", "webhook.secret_rotated", new { previousExpiresAt = expiresAt }), ct);
            return 0;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(req.Id, secret, expiresAt), ct);
    }
}
