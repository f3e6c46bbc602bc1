using FastEndpoints;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Features.Calendar.SyncNow;

public sealed record Request(Guid Id);

public sealed record Response(int Created, int Updated, int Deleted, int BusyBlocks, Connection Connection);

public sealed class Endpoint(Db db, CalendarSync sync) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/calendar/connections/{id}/sync");
        Version(1);
        Permissions(Permission.CalendarConnect);
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404)
            .ProducesProblemDetails(409).ProducesProblemDetails(503), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Sync a calendar now";
            s.Description = "Pushes every appointment of the connection's clinician in the sync window (from yesterday to 30 days ahead) that the calendar lacks or has out of date, deletes the events of cancelled ones, and pulls the calendar's busy times for availability. Syncing also happens by itself after every appointment change.";
            s.ResponseExamples[200] = new Response(2, 1, 0, 5, Connection.Example);
            s.Responses[404] = "No such connection of yours.";
            s.Responses[409] = "The provider refused the grant: connect the calendar again.";
            s.Responses[503] = "The provider is not answering; the sync is retried by itself (see Retry-After).";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var practiceId = User.PracticeId();
        var connection = await db.InTenantAsync(practiceId, (c, tx) => ConnectionAccess.FindAsync(c, tx, req.Id, ConnectionAccess.OwnerFilter(User), ct), ct);
        if (connection.Status != "connected") throw Reauth();

        SyncResult result;
        try
        {
            result = await sync.ReconcileAsync(practiceId, connection.Id, ct);
        }
        catch (ReauthRequiredException)
        {
            throw Reauth();
        }
        catch (ProviderUnavailableException e)
        {
            HttpContext.Response.Headers.RetryAfter = ((int)Math.Max(1, e.RetryAfter?.TotalSeconds ?? 30)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.WriteAsync(HttpContext, StatusCodes.Status503ServiceUnavailable, $"The {connection.Provider} calendar is not answering; the sync will be retried by itself.");
            return;
        }
        var after = await db.InTenantAsync(practiceId, (c, tx) => ConnectionAccess.FindAsync(c, tx, req.Id, null, ct), ct);
        await Send.OkAsync(new Response(result.Created, result.Updated, result.Deleted, result.BusyBlocks, after), ct);
    }

    private static ApiException Reauth() =>
        new(StatusCodes.Status409Conflict, "The provider refused this connection's grant: connect the calendar again (POST /api/v1/calendar/connections).");
}
