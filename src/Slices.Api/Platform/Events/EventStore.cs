using System.Text.Json;
using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Events;

/// <summary>
/// A change to record: the stream it belongs to (such as patient/{id}), its type and its data. Version is the stream
/// version the writer expects to create (optimistic concurrency); null appends at the end of the stream.
/// </summary>
public sealed record NewEvent(string Stream, string Type, object Data, int? Version = null);

/// <summary>
/// Appends to the practice's hash-chained event store inside the caller's tenant transaction, so the event commits
/// or rolls back with the change it records. A concurrent writer of the same stream version gets a 409.
/// </summary>
public static class EventStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private const string Append = """
        SELECT append_event(@Id, @Stream, @Version, @Type, @Data::jsonb, @ActorType, @ActorId, @RequestId, @OccurredAt)
        """;

    public static Task<long> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor, NewEvent change, CancellationToken ct)
    {
        Observability.BusinessMetrics.Recorded(change.Type);
        return connection.ExecuteScalarAsync<long>(new CommandDefinition(Append, new
        {
            Id = Guid.CreateVersion7(),
            change.Stream,
            change.Version,
            change.Type,
            Data = JsonSerializer.Serialize(change.Data, Json),
            ActorType = actor.Type,
            actor.ActorId,
            actor.RequestId,
            OccurredAt = DateTimeOffset.UtcNow,
        }, transaction, cancellationToken: ct));
    }
}
