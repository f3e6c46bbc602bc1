using System.Text.Json;
using System.Text.Json.Serialization;
using FastEndpoints;
using FastEndpoints.Swagger;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Api;

public static class ApiExtensions
{
    public static void AddApi(this WebApplicationBuilder builder)
    {
        builder.AddSettings<ApiOptions>(ApiOptions.Section);
        builder.Services.AddSingleton<ReleaseInfo>();
        builder.Services.AddFastEndpoints(o =>
        {
            o.Assemblies = [typeof(ApiExtensions).Assembly];
        });

        foreach (var version in ApiVersions.All)
        {
            builder.Services.SwaggerDocument(o =>
            {
                o.MaxEndpointVersion = version;
                o.ShortSchemaNames = true;
                o.AutoTagPathSegmentIndex = 0;
                o.EnableJWTBearerAuth = false;
                o.DocumentSettings = s =>
                {
                    s.DocumentName = $"v{version}";
                    s.Title = "Slices API";
                    s.Version = $"v{version}";
                    s.Description = "The backend of a clinical practice: patients, clinicians, appointments, prescriptions, clinical notes and calendar sync. Errors are RFC 9457 problem+json with a requestId to quote to support.";
                    s.OperationProcessors.Add(new DeprecationOperationProcessor(o.Services.GetRequiredService<ApiOptions>()));
                    s.OperationProcessors.Add(new SecurityOperationProcessor());
                    foreach (var (name, scheme) in SecurityOperationProcessor.Schemes)
                        s.DocumentProcessors.Add(new NSwag.Generation.Processors.Security.SecurityDefinitionAppender(name, scheme));
                };
            });
        }
    }

    public static void UseApi(this WebApplication app)
    {
        app.UseMiddleware<DeprecationMiddleware>();
        app.UseResponseCache();
        app.UseFastEndpoints(c =>
        {
            c.Endpoints.RoutePrefix = "api";
            c.Versioning.Prefix = "v";
            c.Versioning.PrependToRoute = true;
            c.Serializer.Options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            c.Serializer.Options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            c.Serializer.Options.Converters.Add(new StorableTextConverter());
            c.Serializer.Options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            c.Serializer.Options.MaxDepth = app.Services.GetRequiredService<Http.HttpOptions>().MaxJsonDepth;
            c.Errors.ContentType = Problems.ContentType;
            c.Errors.ProducesMetadataType = typeof(HttpValidationProblemDetails);
            c.Errors.ResponseBuilder = ValidationProblems.Build;
            c.Binding.JsonExceptionTransformer = ValidationProblems.FromJsonException;
            c.Security.PermissionsClaimType = Auth.SlicesClaims.Permission;
            c.Security.RoleClaimType = Auth.SlicesClaims.Role;
        });
        // NSwag's document, redirect, index page and file server are middleware that each look at every request's path;
        // only these two prefixes are theirs, so the API's own requests now skip them (and the substrings they made).
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/docs") || c.Request.Path.StartsWithSegments("/openapi"), docs => docs.UseSwaggerGen(
            documents => documents.Path = "/openapi/{documentName}.json",
            ui =>
            {
                ui.Path = "/docs";
                ui.DocumentPath = "/openapi/{documentName}.json";
            }));
    }
}
