using FastEndpoints;
using FluentValidation;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Crypto;

namespace Slices.Api.Features.Admin.Reencrypt;

/// <summary>BatchSize: rows rewritten per transaction (each batch locks only its rows, briefly).</summary>
public sealed record Request(int BatchSize = 100);

public sealed class Validator : Validator<Request>
{
    public Validator() => RuleFor(r => r.BatchSize).InclusiveBetween(1, 1000);
}

public sealed class Endpoint(KeyRotation rotation) : Endpoint<Request, ReencryptionResult>
{
    public override void Configure()
    {
        Post("/admin/encryption/reencrypt");
        Version(1);
        Permissions(Permission.Operate);
        Description(b => b.Produces<ReencryptionResult>(200, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Re-encrypt under the active key (operator)";
            s.Description = "Moves every encrypted value still under an older key to the active key, practice by practice, in small batches, while the API keeps serving. Safe to stop and run again: it resumes where values are left and does nothing once all are moved. remaining counts values still under older keys (rows busy in another request are left for the next run); unreadable counts values no configured key can read. Operator practice admins only.";
            s.ExampleRequest = new Request(100);
            s.ResponseExamples[200] = new ReencryptionResult(1840, 0, 0);
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(await rotation.ReencryptAsync(req.BatchSize, ct), ct);
}
