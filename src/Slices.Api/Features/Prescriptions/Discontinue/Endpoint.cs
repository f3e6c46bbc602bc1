using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Prescriptions.Discontinue;

public sealed class Endpoint(Db db) : Endpoint<Request, Prescription>
{
    public override void Configure()
    {
        Post("/prescriptions/{id}/discontinue");
        Version(1);
        Permissions(Permission.PrescriptionsWrite);
        Description(b => b.Produces<Prescription>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Discontinue a signed prescription";
            s.Description = "Stops a signed prescription, with the reason. What was signed stays as it was; the record shows when and why it stopped.";
            s.ExampleRequest = new Request { Id = Prescription.Example.Id, Reason = "Rash: switched to a macrolide" };
            s.ResponseExamples[200] = Prescription.Example with { Status = "discontinued", DiscontinueReason = "Rash: switched to a macrolide", Version = 3 };
            s.Responses[409] = "Only a signed prescription can be discontinued.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var result = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var status = await Data.LockStatusAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("prescription");
            if (status != "signed") throw ApiException.Conflict($"Only a signed prescription can be discontinued; this one is {status}.");
            var stopped = await Data.DiscontinueAsync(c, tx, req.Id, req.Reason!, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"prescription/{req.Id}", "prescription.discontinued", new { req.Reason }), ct);
            return stopped;
        }, ct);
        Versions.SetETag(HttpContext.Response, result.Version);
        await Send.OkAsync(result, ct);
    }
}
