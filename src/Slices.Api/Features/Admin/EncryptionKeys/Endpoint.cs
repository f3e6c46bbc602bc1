using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;

namespace Slices.Api.Features.Admin.EncryptionKeys;

public sealed record Response(string ActiveKeyId, IReadOnlyList<KeyUsage> Keys);

public sealed class Endpoint(KeyRotation rotation, KeyRing keyRing) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/admin/encryption/keys");
        Version(1);
        Permissions(Permission.Operate);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Encryption keys in use (operator)";
            s.Description = "For each key id of the column-encryption key ring: whether it is configured, whether new values use it, and how many encrypted values (OAuth tokens, PKCE verifiers, TOTP secrets) in every practice it still protects. A key that is not active and protects 0 values can be removed from configuration. A key that is not configured but still protects values means those values cannot be read: add it back. Operator practice admins only.";
            s.ResponseExamples[200] = new Response("k2", [new KeyUsage("k1", true, false, 0), new KeyUsage("k2", true, true, 1840)]);
        });
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(new Response(keyRing.ActiveKeyId, await rotation.UsageAsync(ct)), ct);
}
