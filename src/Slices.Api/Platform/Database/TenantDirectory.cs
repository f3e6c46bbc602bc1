using Dapper;

namespace Slices.Api.Platform.Database;

/// <summary>Every practice's id, for work that visits each practice in turn (inside that practice's tenant scope).</summary>
public sealed class TenantDirectory(Db db)
{
    public Task<IReadOnlyList<Guid>> AllAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<Guid>>(async c =>
        [.. await c.QueryAsync<Guid>(new CommandDefinition("SELECT practice_id FROM tenant_directory ORDER BY practice_id", cancellationToken: ct))], ct);
}
