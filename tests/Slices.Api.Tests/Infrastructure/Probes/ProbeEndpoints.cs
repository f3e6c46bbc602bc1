using FastEndpoints;
using FluentValidation;

namespace Slices.Api.Tests.Infrastructure.Probes;

// Endpoints that exist only while the tests run (FastEndpoints discovers them in the test assembly), so the
// platform's pipeline can be proven before the product has endpoints of each kind: one that takes a JSON body,
// one that is slow, one that fails. They pass through exactly the same middleware as the product's endpoints.

public sealed record EchoRequest(string Name, int Count);

public sealed class EchoValidator : Validator<EchoRequest>
{
    public EchoValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(50);
        RuleFor(r => r.Count).InclusiveBetween(0, 10);
    }
}

public sealed class Echo : Endpoint<EchoRequest, EchoRequest>
{
    public override void Configure()
    {
        Post("/test-probes/echo");
        Version(1);
        AllowAnonymous();
    }

    public override Task HandleAsync(EchoRequest req, CancellationToken ct) => Send.OkAsync(req, ct);
}

public sealed class Slow : EndpointWithoutRequest<string>
{
    public override void Configure()
    {
        Get("/test-probes/slow");
        Version(1);
        AllowAnonymous();
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var ms = Query<int>("ms", isRequired: false);
        await Task.Delay(ms, CancellationToken.None);
        await Send.OkAsync("finished", CancellationToken.None);
    }
}

public sealed class Fail : EndpointWithoutRequest
{
    public const string SecretMessage = "SELECT ssn FROM patients WHERE name = 'Jane Roe'";

    public override void Configure()
    {
        Get("/test-probes/fail");
        Version(1);
        AllowAnonymous();
    }

    public override Task HandleAsync(CancellationToken ct) => throw new InvalidOperationException(SecretMessage);
}

public sealed class SleepInDatabase(Npgsql.NpgsqlDataSource dataSource) : EndpointWithoutRequest<string>
{
    public override void Configure()
    {
        Get("/test-probes/sleep-in-database");
        Version(1);
        AllowAnonymous();
    }

    /// <summary>A query that outlives the request timeout; the request's token is what cancels it.</summary>
    public override async Task HandleAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT pg_sleep(@seconds)");
        command.Parameters.AddWithValue("seconds", Query<double>("seconds"));
        await command.ExecuteNonQueryAsync(ct);
        await Send.OkAsync("finished", ct);
    }
}

public sealed record AnyRequest(System.Text.Json.JsonElement Data);

public sealed class EchoAny : Endpoint<AnyRequest, AnyRequest>
{
    public override void Configure()
    {
        Post("/test-probes/echo-any");
        Version(1);
        AllowAnonymous();
    }

    public override Task HandleAsync(AnyRequest req, CancellationToken ct) => Send.OkAsync(req, ct);
}

public sealed record ContactRequest(string Name, string Email);

public sealed class FailWithBody : Endpoint<ContactRequest>
{
    public override void Configure()
    {
        Post("/test-probes/fail-with-body");
        Version(1);
        AllowAnonymous();
    }

    public override Task HandleAsync(ContactRequest req, CancellationToken ct) => throw new InvalidOperationException("Simulated failure after reading the body");
}

public sealed class FailMentioningContact : EndpointWithoutRequest
{
    public const string Message = "Could not notify jane.roe@example.com at +447700900123 about the visit on 2026-12-01";

    public override void Configure()
    {
        Get("/test-probes/fail-mentioning-contact");
        Version(1);
        AllowAnonymous();
    }

    public override Task HandleAsync(CancellationToken ct) => throw new InvalidOperationException(Message);
}
