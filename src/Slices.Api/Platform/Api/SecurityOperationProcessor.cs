using FastEndpoints.Swagger;
using NSwag;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Api;

/// <summary>
/// The three ways to authenticate, in every document, and on each operation which of them it accepts and the
/// permission it needs. API keys are listed only where every permission needed is one a key can carry.
/// </summary>
internal sealed class SecurityOperationProcessor : IOperationProcessor
{
    public const string Bearer = "bearer";
    public const string Cookie = "cookie";
    public const string ApiKey = "apiKey";

    public static readonly IReadOnlyDictionary<string, OpenApiSecurityScheme> Schemes = new Dictionary<string, OpenApiSecurityScheme>
    {
        [Bearer] = new() { Type = OpenApiSecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT", Description = "Access token from POST /api/v1/auth/login or /auth/refresh (15 minutes)." },
        [Cookie] = new() { Type = OpenApiSecuritySchemeType.ApiKey, In = OpenApiSecurityApiKeyLocation.Cookie, Name = AuthCookies.Access, Description = "Browser mode (login with useCookies). Unsafe methods also need the X-CSRF-Token header." },
        [ApiKey] = new() { Type = OpenApiSecuritySchemeType.ApiKey, In = OpenApiSecurityApiKeyLocation.Header, Name = ApiKeyAuthentication.Header, Description = "An integration's key (sk_live_...), limited to its scopes. Also accepted as Authorization: Bearer sk_live_..." },
    };

    public bool Process(OperationProcessorContext context)
    {
        var endpoint = context.GetEndpointDefinition();
        if (endpoint is null || endpoint.AnonymousVerbs is { Length: > 0 }) return true;

        var permissions = endpoint.AllowedPermissions ?? [];
        var operation = context.OperationDescription.Operation;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [Bearer] = [] });
        operation.Security.Add(new OpenApiSecurityRequirement { [Cookie] = [] });
        if (permissions.Count > 0 && permissions.All(Permission.ApiKeyScopes.Contains))
            operation.Security.Add(new OpenApiSecurityRequirement { [ApiKey] = [] });
        if (permissions.Count > 0)
        {
            var note = $"Needs the permission {string.Join(" or ", permissions)}.";
            operation.Description = string.IsNullOrEmpty(operation.Description) ? note : $"{operation.Description}\n\n{note}";
        }
        return true;
    }
}
