using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Email;

namespace Slices.Api.Features.Notifications;

/// <summary>
/// Tells each admin of the practice that a webhook endpoint was disabled, and why. Once per admin and event: the
/// email is claimed in sent_emails in the transaction that sends it, as appointment emails are.
/// </summary>
public sealed class WebhookDisabledEmailJob(Db db, EmailSender sender, EmailOptions options)
{
    private sealed record Admin(Guid Id, string Name, string Email);

    private sealed record Endpoint(string Url, string? DisabledReason)
    {
        public Endpoint() : this("", null) { }
    }

    private const string Details = """
        SELECT url, disabled_reason FROM webhook_endpoints WHERE id = @endpointId;
        SELECT name FROM practices;
        SELECT id, name, email::text AS email FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id;
        """;

    private const string Claim = """
        INSERT INTO sent_emails (practice_id, dedupe_key, kind, message_id) VALUES (current_tenant(), @dedupeKey, 'webhook_disabled', @messageId)
        ON CONFLICT DO NOTHING
        """;

    public async Task SendAsync(Guid practiceId, Guid endpointId, long seq, CancellationToken ct)
    {
        if (!options.Enabled) return;
        var (endpoint, practice, admins) = await db.ReadInTenantAsync(practiceId, Details, new DynamicParameters(new { endpointId }), async rows =>
            (await rows.ReadSingleOrDefaultAsync<Endpoint>(), await rows.ReadSingleAsync<string>(), (await rows.ReadAsync<Admin>()).ToList()), ct);
        if (endpoint is null) return; // deleted since
        foreach (var admin in admins)
        {
            var dedupeKey = $"webhook_disabled:{endpointId}:{seq}:{admin.Id}";
            var messageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupeKey)))[..32]}@notifications.slices";
            await db.InTenantAsync(practiceId, async (c, tx) =>
            {
                if (await c.ExecuteAsync(new CommandDefinition(Claim, new { dedupeKey, messageId }, tx, cancellationToken: ct)) == 0) return 0;
                await sender.SendAsync(Render(admin, practice, endpoint.Url, endpoint.DisabledReason ?? "it kept failing", messageId), ct);
                return 1;
            }, ct);
        }
    }

    private static OutgoingEmail Render(Admin admin, string practice, string url, string reason, string messageId)
    {
        var subject = $"A webhook endpoint of {practice} was disabled";
        var text = $"Dear {admin.Name},\n\nSlices stopped sending events to {url}: {reason}.\n\n" +
                   "Messages since then wait for it. When the receiver works again, switch the endpoint back on " +
                   "(PATCH /api/v1/webhooks/{id} with enabled: true) and they will be sent.\n\nSlices\n";
        var html = $"""
            <!DOCTYPE html>
            <html><body style="font-family: sans-serif">
            <p>Dear {WebUtility.HtmlEncode(admin.Name)},</p>
            <p>Slices stopped sending events to {WebUtility.HtmlEncode(url)}: {WebUtility.HtmlEncode(reason)}.</p>
            <p>Messages since then wait for it. When the receiver works again, switch the endpoint back on and they will be sent.</p>
            </body></html>
            """;
        return new OutgoingEmail(admin.Email, admin.Name, subject, text, html, messageId);
    }
}
