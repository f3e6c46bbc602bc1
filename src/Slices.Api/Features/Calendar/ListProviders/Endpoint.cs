using FastEndpoints;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Features.Calendar.ListProviders;

public sealed record Provider(string Name, bool Configured);

public sealed record Response(IReadOnlyList<Provider> Items);

public sealed class Endpoint(CalendarProviders providers) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/calendar/providers");
        Version(1);
        Permissions(Permission.CalendarConnect);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List calendar providers";
            s.Description = "Google and Microsoft, and whether this deployment has an OAuth app registered for each (a provider that is not configured cannot be connected).";
            s.ResponseExamples[200] = new Response([new Provider("google", true), new Provider("microsoft", false)]);
        });
    }

    public override Task HandleAsync(CancellationToken ct) =>
        Send.OkAsync(new Response([.. providers.All.Select(p => new Provider(p.Name, p.Configured))]), ct);
}
