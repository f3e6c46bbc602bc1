using System.Security.Claims;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Auth.Me;

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/auth/me");
        Version(1);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Who is signed in";
            s.Description = "The signed-in user, their practice, role and the permissions that role grants.";
            s.ResponseExamples[200] = new Response(Guid.Parse("01935d3a-6f1d-7a2b-8c3d-4e5f6a7b8c9d"), "Dr Amina Osei", "amina@harbourclinic.example", "admin",
                Guid.Parse("01935d3a-6f1c-7c3e-9a1b-2f4e5d6c7b8a"), "Harbour Family Clinic", false, [Permission.UsersManage, Permission.PatientsRead]);
            s.Responses[403] = "Called with an API key: keys are not users.";
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        if (User.SessionId() is null) throw ApiException.NotAUser();
        var row = await db.InTenantAsync(User.PracticeId(), (c, tx) => Data.ReadAsync(c, tx, User.SubjectId(), ct), ct);
        if (row is null)
        {
            await Send.NotFoundAsync(ct);
            return;
        }
        HttpContext.Response.Headers.CacheControl = "no-store";
        await Send.OkAsync(new Response(User.SubjectId(), row.Name, row.Email, row.Role, User.PracticeId(), row.PracticeName, row.MfaEnabled,
            [.. User.FindAll(SlicesClaims.Permission).Select(c => c.Value)]), ct);
    }
}
