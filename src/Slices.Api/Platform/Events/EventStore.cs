using System.Text.Json;
using Dapper;
using Npgsql;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.Events;

/// <summary>
/// A change to record: the stream it belongs to (such as patient/{id}), its type and its data. Version is the stream
/// version the writer expects to create (optimistic concurrency); null appends at the end of the stream.
/// </summary>
public sealed record NewEvent(string Stream, string Type, object Data, int? Version = null);

/// <summary>
/// Appends to the practice's hash-chained event store inside the caller's tenant transaction, so the event commits
/// or rolls back with the change it records. The event is staged here and chained (seq, hash) when the transaction
/// commits, which keeps a practice's writers from queueing on its chain head for longer than the commit
/// (migration 0010). A concurrent writer of the same stream version gets a 409, from the commit.
/// </summary>
public static class EventStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Actor actor, NewEvent change, CancellationToken ct)
    {
        var parameters = new DynamicParameters();
        AddParameters(parameters, actor, change);
        return connection.ExecuteAsync(new CommandDefinition(Append, parameters, transaction, cancellationToken: ct));
    }

    private const string Append = """
        SELECT append_event(@eventId, @eventStream, @eventVersion, @eventType, @eventData::jsonb, @eventActorType, @eventActorId, @eventRequestId, @eventOccurredAt)
        """;

    /// <summary>
    /// A data-modifying CTE that stages the event if <paramref name="source"/> (an earlier CTE of the same statement,
    /// yielding at most one row) has a row: for a change made in one statement, its event costs no round trip of its
    /// own and is recorded only when the change happened. Add the event with <see cref="AddParameters"/>.
    /// </summary>
    public static string StagedIf(string source) => $"""
        INSERT INTO event_pending (practice_id, id, stream, version, type, data, actor_type, actor_id, request_id, occurred_at)
        SELECT current_tenant(), @eventId, @eventStream, @eventVersion, @eventType, @eventData::jsonb, @eventActorType, @eventActorId, @eventRequestId, @eventOccurredAt
        FROM {source}
        """;

    public static void AddParameters(DynamicParameters parameters, Actor actor, NewEvent change)
    {
        TransactionEvents.Record(change);
        parameters.Add("eventId", Ids.NewV7());
        parameters.Add("eventStream", change.Stream);
        parameters.Add("eventVersion", change.Version);
        parameters.Add("eventType", change.Type);
        parameters.Add("eventData", JsonSerializer.Serialize(change.Data, Json));
        parameters.Add("eventActorType", actor.Type);
        parameters.Add("eventActorId", actor.ActorId);
        parameters.Add("eventRequestId", actor.RequestId);
        parameters.Add("eventOccurredAt", DateTimeOffset.UtcNow);
    }
}
