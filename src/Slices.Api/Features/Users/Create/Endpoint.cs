using FastEndpoints;
using Npgsql;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Users.Create;

public sealed class Endpoint(Db db, PasswordHasher hasher) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/users");
        Version(1);
        Permissions(Permission.UsersManage);
        Description(b => b.Produces<Response>(201, "application/json").ProducesProblemDetails(400).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(409), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Add a member of staff";
            s.Description = "Admins add the practice's clinicians, staff and other admins. They sign in with this email and password (12 to 128 characters). An email signs in to one account only.";
            s.ExampleRequest = new Request("Dr Lucas Meyer", "lucas@harbourclinic.example", "clinician", "a long and private passphrase");
            s.ResponseExamples[201] = new Response(Guid.Parse("01935d3b-0a1b-7c2d-8e3f-405162738495"), "Dr Lucas Meyer", "lucas@harbourclinic.example", "clinician", new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
            s.Responses[403] = "Only admins add users (permission users:manage).";
            s.Responses[409] = "The email already signs in to an account.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var id = Ids.NewV7();
        var passwordHash = hasher.Hash(req.Password);
        var createdAt = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
        {
            DateTimeOffset created;
            try
            {
                created = await Data.InsertAsync(c, tx, id, req, passwordHash, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw ApiException.Conflict(Logins.EmailTaken);
            }
            if (!await Data.ClaimEmailAsync(c, tx, id, req.Email, ct)) throw ApiException.Conflict(Logins.EmailTaken);
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent($"user/{id}", "user.created", new { role = req.Role }, 1), ct);
            return created;
        }, ct);
        await Send.ResponseAsync(new Response(id, req.Name, req.Email, req.Role, createdAt), 201, ct);
    }
}
