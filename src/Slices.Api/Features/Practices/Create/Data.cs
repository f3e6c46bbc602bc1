using Dapper;
using Npgsql;

namespace Slices.Api.Features.Practices.Create;

public static class Data
{
    private const string InsertPractice = "INSERT INTO practices (id, name) VALUES (@practiceId, @name)";

    private const string InsertAdmin = """
        INSERT INTO users (practice_id, id, name, email, role, password_hash)
        VALUES (@practiceId, @userId, @name, @email, 'admin', @passwordHash)
        """;

    private const string ClaimEmail = """
        INSERT INTO user_logins (email, practice_id, user_id) VALUES (@email, @practiceId, @userId)
        ON CONFLICT (email) DO NOTHING
        """;

    public static Task InsertPracticeAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, string name, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertPractice, new { practiceId, name }, tx, cancellationToken: ct));

    public static Task InsertAdminAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, Guid userId, Request r, string passwordHash, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(InsertAdmin, new { practiceId, userId, name = r.AdminName, email = r.AdminEmail, passwordHash }, tx, cancellationToken: ct));

    /// <returns>false when the email already signs in somewhere.</returns>
    public static async Task<bool> ClaimEmailAsync(NpgsqlConnection c, NpgsqlTransaction tx, Guid practiceId, Guid userId, string email, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(ClaimEmail, new { email, practiceId, userId }, tx, cancellationToken: ct)) == 1;
}
