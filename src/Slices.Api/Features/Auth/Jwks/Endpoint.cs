using FastEndpoints;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Auth.Jwks;

public sealed record Response(IReadOnlyList<PublicJwk> Keys);

public sealed class Endpoint(JwtKeys keys) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/.well-known/jwks.json");
        RoutePrefixOverride(string.Empty);
        AllowAnonymous();
        Description(b => b.Produces<Response>(200, "application/json"), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Public keys that verify access tokens";
            s.Description = "A JSON Web Key Set with every key that currently verifies Slices access tokens (ES256). During a key rotation both old and new keys are listed.";
            s.ResponseExamples[200] = new Response([new PublicJwk("EC", "sig", "ES256", "k1", "P-256", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")]);
        });
    }

    public override Task HandleAsync(CancellationToken ct)
    {
        HttpContext.Response.Headers.CacheControl = "public, max-age=300";
        return Send.OkAsync(new Response(keys.PublicKeys()), ct);
    }
}
