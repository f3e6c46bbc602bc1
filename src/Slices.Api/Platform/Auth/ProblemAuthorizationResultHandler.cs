using FastEndpoints;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Auth;

/// <summary>401 and 403 as problem+json; a 403 names the permission the caller lacks.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Challenged)
        {
            await _default.HandleAsync(next, context, policy, result); // sets WWW-Authenticate
            if (!context.Response.HasStarted)
                await Problems.WriteAsync(context, StatusCodes.Status401Unauthorized,
                    "Sign in first: send an access token (Authorization: Bearer ...), the session cookie, or an API key (X-API-Key).");
            return;
        }
        if (result.Forbidden)
        {
            var needed = context.GetEndpoint()?.Metadata.GetMetadata<EndpointDefinition>()?.AllowedPermissions ?? [];
            await Problems.WriteAsync(context, StatusCodes.Status403Forbidden, needed.Count > 0
                ? $"This needs the permission {string.Join(" or ", needed)}, which your role or API key does not have."
                : "Your role or API key may not do this.");
            return;
        }
        await next(context);
    }
}
