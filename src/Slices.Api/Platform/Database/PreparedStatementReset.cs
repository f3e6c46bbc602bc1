using System.Data;
using Npgsql;

namespace Slices.Api.Platform.Database;

/// <summary>
/// Works around an Npgsql 10.0.3 bug. A statement is auto-prepared on a connection at its second run there; when the
/// server refuses that run (any error: a constraint, a NUL in a parameter, a division by zero), the connection's next
/// run of the statement misreads the server's answer ("Received unexpected backend message DataRow") and fails.
/// Dropping the connection's prepared statements after a server error, once the failed work has let go of the
/// connection, avoids that. Errors are rare, and the statements are prepared again as they run.
/// </summary>
internal static class PreparedStatementReset
{
    public static async Task<T> AfterErrorAsync<T>(NpgsqlConnection connection, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (PostgresException)
        {
            Unprepare(connection);
            throw;
        }
    }

    /// <summary>Call once the failed work has let go of the connection (its reader or transaction disposed).</summary>
    public static void Unprepare(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open) return;
        try
        {
            connection.UnprepareAll(); // Npgsql has no asynchronous form: one round trip, on an error path
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // the connection broke meanwhile: the pool does not hand it out again
        }
    }
}
