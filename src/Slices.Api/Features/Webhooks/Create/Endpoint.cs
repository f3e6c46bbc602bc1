using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Webhooks.Create;

public sealed class Endpoint(Db db, KeyRing keyRing, WebhookUrlGuard guard) : Endpoint<Request, WebhookWithSecret>
{
    private const string Insert = $"""
        INSERT INTO webhook_endpoints (practice_id, id, url, description, events, secret)
        VALUES (current_tenant(), @id, @url, @description, @events, @secret)
        RETURNING {Webhook.Columns}
        """;

    public override void Configure()
    {
        Post("/webhooks");
        Version(1);
        Permissions(Permission.WebhooksManage);
        Description(b => b.Produces<WebhookWithSecret>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Subscribe an endpoint to events";
            s.Description = "Slices POSTs each event of the chosen types to the URL, signed the Standard Webhooks way (see the README, \"Receiving webhooks\"). The signing secret (whsec_...) is in this answer only. The URL must be https and must not resolve to a loopback, private, link-local or metadata address. Event types: " + string.Join(", ", WebhookEvents.All) + ".";
            s.ExampleRequest = new Request("https://hooks.example.com/slices", ["appointment.scheduled", "appointment.cancelled"], "Front-desk reminders");
            s.ResponseExamples[201] = WebhookWithSecret.Of(Webhook.Example, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
            s.Responses[400] = "A malformed or refused URL, or an unknown event type; errors name the field.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var url = new Uri(req.Url);
        if (await guard.ProblemAsync(url, ct) is { } problem) ThrowError(r => r.Url, $"url {problem}.");
        var id = Ids.NewV7();
        var practiceId = User.PracticeId();
        var secret = WebhookSecrets.Create();
        string[] events = [.. req.Events.Order(StringComparer.Ordinal)];
        var created = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var row = await c.QuerySingleAsync<Webhook>(new CommandDefinition(Insert, new
            {
                id, url = url.ToString(), description = req.Description, events,
                secret = keyRing.Encrypt(secret, EncryptedColumns.WebhookSecret.Context(id, practiceId)),
            }, tx, cancellationToken: ct));
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"webhook/{id}", "webhook.created", new { events }, 1), ct);
            return row;
        }, ct);
        HttpContext.Response.Headers.CacheControl = "no-store";
        HttpContext.Response.Headers.Location = $"/api/v1/webhooks/{id}";
        await Send.ResponseAsync(WebhookWithSecret.Of(created, secret), 201, ct);
    }
}
