using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// Hangfire's own tables (schema <c>hangfire</c>), created and upgraded by the owner role with the migrations, never
/// by the API: the app role may read and write their rows but not change them. No PHI goes in them, only ids.
/// </summary>
public static class JobSchema
{
    public const string Name = "hangfire";

    private const string Grants = """
        GRANT USAGE ON SCHEMA hangfire TO slices_app;
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA hangfire TO slices_app;
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA hangfire TO slices_app;
        """;

    /// <summary>Runs under the migrations' advisory lock, so one instance installs while the others wait.</summary>
    public static void Install(string ownerConnectionString)
    {
        var options = new PostgreSqlStorageOptions { SchemaName = Name, PrepareSchemaIfNecessary = true };
        _ = new PostgreSqlStorage(new NpgsqlConnectionFactory(ownerConnectionString, options), options);
        using var connection = new NpgsqlConnection(ownerConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(Grants, connection);
        command.ExecuteNonQuery();
    }
}
