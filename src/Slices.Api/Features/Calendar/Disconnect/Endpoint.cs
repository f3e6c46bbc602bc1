using Dapper;
using FastEndpoints;
using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;
using Slices.Api.Platform.Events;

namespace Slices.Api.Features.Calendar.Disconnect;

public sealed record Request(Guid Id);

public sealed class Endpoint(Db db, CalendarProviders providers, CalendarTokens tokens, ILogger<Endpoint> logger) : Endpoint<Request>
{
    public override void Configure()
    {
        Delete("/calendar/connections/{id}");
        Version(1);
        Permissions(Permission.CalendarConnect);
        Description(b => b.Produces(204).ProducesProblemDetails(401).ProducesProblemDetails(403).ProducesProblemDetails(404), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "Disconnect a calendar";
            s.Description = "Revokes the grant at the provider where it can (Google; Microsoft offers no per-app revocation, so its tokens are simply destroyed), deletes the stored tokens, pushed-event links and pulled busy times, and records calendar.disconnected. Events already in the calendar stay there. Your own connection, or any in the practice for admins.";
            s.Responses[204] = "Disconnected.";
            s.Responses[404] = "No such connection of yours.";
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var practiceId = User.PracticeId();
        var (connection, refreshToken) = await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            var found = await ConnectionAccess.FindAsync(c, tx, req.Id, ConnectionAccess.OwnerFilter(User), ct);
            return (found, await tokens.RefreshTokenAsync(c, tx, practiceId, found.Id, ct));
        }, ct);

        if (refreshToken is not null)
        {
            try
            {
                await providers[connection.Provider].RevokeAsync(refreshToken, ct);
            }
            catch (ProviderUnavailableException e)
            {
                logger.LogWarning("Could not revoke calendar connection {ConnectionId} at {Provider}: {Reason}; its tokens are deleted anyway", connection.Id, connection.Provider, e.Message);
            }
        }

        await db.InTenantAsync(practiceId, async (c, tx) =>
        {
            await c.ExecuteAsync(new CommandDefinition("DELETE FROM calendar_connections WHERE id = @id", new { id = connection.Id }, tx, cancellationToken: ct));
            await EventStore.AppendAsync(c, tx, Actor.Of(HttpContext), new NewEvent(CalendarEvents.Stream(connection.Id), CalendarEvents.Disconnected,
                new { connectionId = connection.Id, provider = connection.Provider, userId = connection.UserId }), ct);
            return 0;
        }, ct);
        await Send.NoContentAsync(ct);
    }
}
