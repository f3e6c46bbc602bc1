using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.RateLimiting;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Practices.Create;

public sealed class Endpoint(Db db, PasswordHasher hasher) : Endpoint<Request, Response>
{

    public override void Configure()
    {
        Post("/practices");
        Version(1);
        Options(b => b.WithMetadata(new RateLimited(LimitPolicies.Credentials)));
        AllowAnonymous();
        Description(b => b.Produces<Response>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sign up a practice and its first admin";
            s.Description = "Creates the practice (the tenant every later record belongs to) and its first admin, who then signs in with POST /api/v1/auth/login. The password is 12 to 128 characters. An email signs in to one account only: one already in use is 409.";
            s.ExampleRequest = new Request("Harbour Family Clinic", "Dr Amina Osei", "amina@harbourclinic.example", "correct horse battery staple");
            s.ResponseExamples[201] = new Response(Guid.Parse("01935d3a-6f1c-7c3e-9a1b-2f4e5d6c7b8a"), Guid.Parse("01935d3a-6f1d-7a2b-8c3d-4e5f6a7b8c9d"));
            s.Responses[201] = "The practice and its admin exist.";
            s.Responses[400] = "A field is missing, too long or malformed; see errors.";
            s.Responses[409] = "The email already signs in to an account.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (practiceId, userId) = (Ids.NewV7(), Ids.NewV7());
        var passwordHash = hasher.Hash(req.AdminPassword);
        var actor = Actor.User(userId, HttpContext);

        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            await Data.InsertPracticeAsync(c, tx, practiceId, req.PracticeName, ct);
            await Data.InsertAdminAsync(c, tx, practiceId, userId, req, passwordHash, ct);
            if (!await Data.ClaimEmailAsync(c, tx, practiceId, userId, req.AdminEmail, ct)) throw ApiException.Conflict(Logins.EmailTaken);
            await EventStore.AppendAsync(c, tx, actor, new NewEvent($"practice/{practiceId}", "practice.created", new { name = req.PracticeName }, 1), ct);
            await EventStore.AppendAsync(c, tx, actor, new NewEvent($"user/{userId}", "user.created", new { role = "admin" }, 1), ct);
            return 0;
        }, ct);

        await Send.ResponseAsync(new Response(practiceId, userId), 201, ct);
    }
}
