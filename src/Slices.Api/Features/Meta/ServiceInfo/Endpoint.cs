using FastEndpoints;
using Slices.Api.Platform.Api;

namespace Slices.Api.Features.Meta.ServiceInfo;

public sealed class Endpoint(ReleaseInfo release) : EndpointWithoutRequest<Response>
{
    private static readonly IReadOnlyList<ApiVersion> Versions = ApiVersions.All.Select(v => new ApiVersion($"v{v}", $"/openapi/v{v}.json")).ToList();

    public override void Configure()
    {
        Get("/info");
        Version(1);
        AllowAnonymous();
        Description(b => b.Produces<Response>(200, "application/json"), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Which build this is, and the API versions it serves";
            s.Description = "For integrators and support: the release (git commit) answering, and each API version with its OpenAPI document.";
            s.ResponseExamples[200] = new Response("slices", "3f9c2d1", [new ApiVersion("v1", "/openapi/v1.json")]);
        });
    }

    public override Task HandleAsync(CancellationToken ct) => Send.OkAsync(new Response("slices", release.Release, Versions), ct);
}
