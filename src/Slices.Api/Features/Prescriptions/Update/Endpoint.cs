using FastEndpoints;
using Slices.Api.Platform.Api;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Prescriptions.Update;

public sealed class Endpoint(Db db) : Endpoint<Request, Prescription>
{
    public override void Configure()
    {
        Patch("/prescriptions/{id}");
        Version(1);
        Permissions(Permission.PrescriptionsWrite);
        Description(b => b.Produces<Prescription>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403)
            .ProducesProblemDetails(404).ProducesProblemDetails(409).ProducesProblemDetails(412).ProducesProblemDetails(428), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Change a draft prescription";
            s.Description = "Changes the fields sent. Signed and discontinued prescriptions never change (409). If-Match is required (428 without, 412 when stale).";
            s.ExampleRequest = new Request { Id = Prescription.Example.Id, Quantity = 15m };
            s.ResponseExamples[200] = Prescription.Example with { Quantity = 15m, Version = 2 };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var expected = Versions.Expected(HttpContext.Request);
        var saved = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            var current = await Data.LockAsync(c, tx, req.Id, ct) ?? throw ApiException.NotFound("prescription");
            if (current.Version != expected) throw Versions.Stale();
            if (current.Status != "draft") throw ApiException.Conflict($"A {current.Status} prescription cannot change; discontinue it and write a new one.");
            var updated = await Data.SaveAsync(c, tx, current with
            {
                MedicationName = req.MedicationName ?? current.MedicationName,
                MedicationCode = req.MedicationCode ?? current.MedicationCode,
                Dose = req.Dose ?? current.Dose,
                Route = req.Route ?? current.Route,
                Frequency = req.Frequency ?? current.Frequency,
                Quantity = req.Quantity ?? current.Quantity,
                QuantityUnit = req.QuantityUnit ?? current.QuantityUnit,
                Refills = req.Refills ?? current.Refills,
                Instructions = req.Instructions ?? current.Instructions,
            }, ct);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"prescription/{req.Id}", "prescription.updated", req), ct);
            return updated;
        }, ct);
        Versions.SetETag(HttpContext.Response, saved.Version);
        await Send.OkAsync(saved, ct);
    }
}
