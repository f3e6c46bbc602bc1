using System.Security.Cryptography;
using FastEndpoints;
using Microsoft.AspNetCore.WebUtilities;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Http;

namespace Slices.Api.Features.Calendar.Connect;

public sealed class Endpoint(Db db, CalendarProviders providers, OAuthState states, KeyRing keyRing, CalendarOptions options, CorsOptions cors, TimeProvider clock)
    : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/calendar/connections");
        Version(1);
        Permissions(Permission.CalendarConnect);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(422), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Start connecting your calendar";
            s.Description = "Starts an OAuth 2.0 authorization (code flow with PKCE) for the signed-in user's Google or Microsoft calendar. Send the browser to authorizationUrl within 10 minutes; the provider returns it to /api/v1/calendar/oauth/callback, which stores the tokens encrypted and then redirects to redirectUri (or answers JSON). Connecting again replaces the tokens of an existing connection. Once connected, appointments of the user's clinician record are pushed to the calendar, and its busy times are kept out of availability.";
            s.ExampleRequest = new Request("google", "https://app.harbourclinic.example/settings/calendar");
            s.ResponseExamples[200] = new Response("https://accounts.google.com/o/oauth2/v2/auth?client_id=...&code_challenge=...&code_challenge_method=S256&state=...",
                new DateTimeOffset(2026, 11, 24, 9, 40, 0, TimeSpan.Zero));
            s.Responses[400] = "Unknown provider, or a redirectUri that is not on one of the practice's allowed origins.";
            s.Responses[422] = "This deployment has no OAuth app registered for the provider.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var provider = providers[req.Provider];
        if (!provider.Configured)
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, $"{req.Provider} calendar is not configured on this deployment: its OAuth client id and secret are not set.");
        if (req.RedirectUri is { } target && !cors.AllowedOrigins.Contains(new Uri(target).GetLeftPart(UriPartial.Authority), StringComparer.OrdinalIgnoreCase))
            ThrowError(r => r.RedirectUri, "redirectUri must be on one of the practice's allowed origins (Cors:AllowedOrigins).");

        var practiceId = User.PracticeId();
        var stateId = Ids.NewV7();
        var verifier = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var challenge = WebEncoders.Base64UrlEncode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
        var expiresAt = clock.GetUtcNow().Add(OAuthState.Lifetime);
        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            await Data.InsertStateAsync(c, tx, stateId, User.SubjectId(), req.Provider,
                keyRing.Encrypt(verifier, EncryptedColumns.OAuthCodeVerifier.Context(stateId, practiceId)), req.RedirectUri, expiresAt, ct);
            return 0;
        }, ct);

        var url = provider.AuthorizationUrl(states.Issue(practiceId, stateId), challenge, CallbackUrl(options, HttpContext));
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(url, expiresAt), ct);
    }

    /// <summary>The redirect URI registered with the providers: configured, or this API's own callback as the request reached it.</summary>
    public static string CallbackUrl(CalendarOptions options, HttpContext http) =>
        options.CallbackUrl ?? $"{http.Request.Scheme}://{http.Request.Host}/api/v1/calendar/oauth/callback";
}
