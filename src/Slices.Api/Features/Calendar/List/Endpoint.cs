using Dapper;
using FastEndpoints;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Caching;
using Slices.Api.Platform.Database;

namespace Slices.Api.Features.Calendar.List;

public sealed record Response(IReadOnlyList<Connection> Items);

public sealed class Endpoint(Db db) : EndpointWithoutRequest<Response>
{
    private const string Sql = $"SELECT {Connection.Columns} FROM calendar_connections WHERE @owner::uuid IS NULL OR user_id = @owner ORDER BY created_at, id";

    public override void Configure()
    {
        Get("/calendar/connections");
        Version(1);
        Permissions(Permission.CalendarConnect);
        Options(b => b.CacheResponsePerCaller(CacheArea.Calendar, "calendar-connection"));
        Description(b => b.Produces<Response>(200, "application/json").ProducesProblemDetails(401).ProducesProblemDetails(403), clearDefaults: true);
        Summary(s =>
        {
            s.Summary = "List calendar connections";
            s.Description = "Your own calendar connections; admins see every connection in the practice. Status is connected or reauth_required (the provider refused the grant: connect again); lastError says why the last sync failed. Tokens are never shown.";
            s.ResponseExamples[200] = new Response([Connection.Example]);
        });
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var owner = ConnectionAccess.OwnerFilter(User);
        var items = await db.InTenantAsync(User.PracticeId(), async (c, tx) =>
            (await c.QueryAsync<Connection>(new CommandDefinition(Sql, new { owner }, tx, cancellationToken: ct))).ToList(), ct);
        await Send.OkAsync(new Response(items), ct);
    }
}
