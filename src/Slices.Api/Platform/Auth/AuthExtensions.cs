using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.RateLimiting;

namespace Slices.Api.Platform.Auth;

public static class AuthExtensions
{
    public static void AddAuth(this WebApplicationBuilder builder)
    {
        var development = builder.Environment.IsDevelopment();
        builder.AddSettings<AuthOptions>(AuthOptions.Section, (o, _) => o.AllowEphemeralSigningKey = development);
        builder.AddSettings<OperatorOptions>(OperatorOptions.Section);
        builder.Services.AddSingleton<JwtKeys>();
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<Sessions>();
        builder.Services.AddSingleton<SignIn>();
        builder.Services.AddSingleton<SecondFactor>();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        // Bearer tokens and session cookies go straight to JwtBearer; it hands API keys on to their own scheme. (A policy
        // scheme choosing between the two cost every request a second handler and a second pass through the service.)
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);

        builder.Services.AddSingleton<VerifiedTokenCache>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AccessTokens, VerifiedTokenCache>((o, tokens, verified) =>
        {
            o.ForwardDefaultSelector = context => ApiKeyAuthentication.IsApiKeyRequest(context) ? ApiKeyAuthentication.SchemeName : null;
            o.MapInboundClaims = false;
            o.SaveToken = false; // nothing reads the token back from the request's authentication properties
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(verified);
            o.TokenValidationParameters = tokens.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = ReadCookieWhenNoHeader,
                OnTokenValidated = CheckSessionAsync,
            };
        });
        builder.Services.AddAuthorization();
    }

    /// <summary>Authentication, then rate limits (they partition by the caller), then CSRF, the MFA gate and authorization.</summary>
    public static void UseAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseMiddleware<CsrfMiddleware>();
        app.UseMiddleware<MfaEnrolmentGate>();
        app.UseAuthorization();
    }

    private static Task ReadCookieWhenNoHeader(MessageReceivedContext context)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization) && context.Request.Cookies[AuthCookies.Access] is { Length: > 0 } cookie)
        {
            context.Token = cookie;
            context.HttpContext.Items[SlicesClaims.Via] = "cookie";
        }
        return Task.CompletedTask;
    }

    /// <summary>A valid signature is not enough: the session must still be alive, and the role is read from it, not from the token.</summary>
    private static async Task CheckSessionAsync(TokenValidatedContext context)
    {
        var token = (ClaimsIdentity)context.Principal!.Identity!;
        var ids = TokenIds.Of(token);
        if (ids is not { PracticeId: { } practiceId, SessionId: { } sessionId })
        {
            context.Fail("The token has no practice or session.");
            return;
        }
        context.HttpContext.RequestServices.GetRequiredService<SlicesRateLimiter>().StartUserCount(context.HttpContext, ids.Subject);
        context.HttpContext.RequestServices.GetRequiredService<TwoLevelCache>().StartLookup(context.HttpContext, practiceId);
        var sessions = context.HttpContext.RequestServices.GetRequiredService<Sessions>();
        if (await sessions.CheckAsync(practiceId, sessionId, context.HttpContext.RequestAborted) is not { } session)
        {
            context.Fail("The session has ended.");
            return;
        }
        var via = context.HttpContext.Items[SlicesClaims.Via] as string ?? "bearer";
        var isOperator = context.HttpContext.RequestServices.GetRequiredService<OperatorOptions>().IsOperator(practiceId, session.Role);
        context.Principal = SessionPrincipals.For(token, new SessionGrant(session.Role, via, session.MfaPending, isOperator));
    }
}
