using FastEndpoints;
using Microsoft.AspNetCore.WebUtilities;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Calendar.Callback;

public sealed class Endpoint(Db db, CalendarProviders providers, OAuthState states, CalendarTokens tokens, KeyRing keyRing, CalendarOptions options, ILogger<Endpoint> logger)
    : Endpoint<Request, Connection>
{
    public override void Configure()
    {
        Get("/calendar/oauth/callback");
        Version(1);
        AllowAnonymous();
        Description(b => b.Produces<Connection>(200, "application/json").Produces(302).ProducesProblemDetails(400).ProducesProblemDetails(502), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Finish connecting a calendar (OAuth redirect)";
            s.Description = "Where Google or Microsoft send the browser back. The state must be one this API issued, unaltered, unexpired (10 minutes) and unused: it is spent on first use, so a replay is refused. The code is exchanged (with the PKCE verifier) for tokens, which are stored encrypted, and calendar.connected is recorded. Then the browser is redirected to the redirectUri given when connecting, with calendar=connected&connectionId=... (or calendar=error&reason=...), or, without one, the connection is returned as JSON.";
            s.ResponseExamples[200] = Connection.Example;
            s.Responses[302] = "Redirect to the practice's app with the outcome in the query string.";
            s.Responses[400] = "A missing, altered, expired or already used state, or a code the provider refused.";
            s.Responses[502] = "The provider did not answer; start connecting again.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        HttpContext.Response.Headers.CacheControl = "no-store";
        if (await states.ReadAsync(req.State) is not var (practiceId, stateId))
            throw new ApiException(StatusCodes.Status400BadRequest, "The state is missing, altered or expired. Start connecting again from the app.");
        var pending = await db.InTenantAsync(practiceId, (c, tx) => Data.ConsumeAsync(c, tx, stateId, ct), ct)
                      ?? throw new ApiException(StatusCodes.Status400BadRequest, "This authorization was already completed or has expired. Start connecting again from the app.");

        if (req.Error is not null || string.IsNullOrEmpty(req.Code))
        {
            await FailAsync(pending, req.Error is { Length: <= 64 } error && error.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_') ? error : "no_code", ct);
            return;
        }

        var provider = providers[pending.Provider];
        ProviderTokens granted;
        try
        {
            var verifier = keyRing.Decrypt(pending.CodeVerifier, EncryptedColumns.OAuthCodeVerifier.Context(stateId, practiceId));
            granted = await provider.ExchangeCodeAsync(req.Code, verifier, Calendar.Connect.Endpoint.CallbackUrl(options, HttpContext), ct);
        }
        catch (ReauthRequiredException e)
        {
            logger.LogWarning("The {Provider} token endpoint refused an authorization code: {Error}", pending.Provider, e.Message);
            await FailAsync(pending, "code_rejected", ct);
            return;
        }
        catch (ProviderUnavailableException e)
        {
            logger.LogWarning("The {Provider} token endpoint failed during a callback: {Error}", pending.Provider, e.Message);
            await FailAsync(pending, "provider_unavailable", ct, StatusCodes.Status502BadGateway);
            return;
        }

        var connection = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var existing = await Data.EnsureConnectionAsync(c, tx, pending.UserId, pending.Provider, ct);
            await tokens.StoreAsync(c, tx, practiceId, existing.Id, granted, ct);
            await EventStore.AppendAsync(c, tx, Actor.User(pending.UserId, HttpContext), new NewEvent(CalendarEvents.Stream(existing.Id), CalendarEvents.Connected,
                new { connectionId = existing.Id, provider = pending.Provider, userId = pending.UserId }), ct);
            return await Data.ReadAsync(c, tx, existing.Id, ct);
        }, ct);

        if (pending.ReturnUrl is { } returnUrl)
            await Send.RedirectAsync(QueryHelpers.AddQueryString(returnUrl, new Dictionary<string, string?> { ["calendar"] = "connected", ["connectionId"] = connection.Id.ToString() }), allowRemoteRedirects: true);
        else
            await Send.OkAsync(connection, ct);
    }

    private async Task FailAsync(Data.PendingAuthorization pending, string reason, CancellationToken ct, int status = StatusCodes.Status400BadRequest)
    {
        if (pending.ReturnUrl is { } returnUrl)
        {
            await Send.RedirectAsync(QueryHelpers.AddQueryString(returnUrl, new Dictionary<string, string?> { ["calendar"] = "error", ["reason"] = reason }), allowRemoteRedirects: true);
            return;
        }
        throw new ApiException(status, reason switch
        {
            "code_rejected" => "The provider refused the authorization code. Start connecting again from the app.",
            "provider_unavailable" => "The provider did not answer. Start connecting again in a moment.",
            _ => $"The calendar was not connected ({reason}). Start connecting again from the app.",
        });
    }
}
