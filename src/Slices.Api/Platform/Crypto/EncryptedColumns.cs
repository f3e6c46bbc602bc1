namespace Slices.Api.Platform.Crypto;

/// <summary>A column holding key-ring ciphertext; its rows are identified by (practice_id, id), the associated data.</summary>
public sealed record EncryptedColumn(string Table, string Column)
{
    public CipherContext Context(Guid rowId, Guid practiceId) => new(Table, Column, rowId, practiceId);
}

/// <summary>Every encrypted column, so key reports and re-encryption miss none. A new encrypted column is added here.</summary>
public static class EncryptedColumns
{
    public static readonly EncryptedColumn TotpSecret = new("users", "totp_secret");
    public static readonly EncryptedColumn CalendarAccessToken = new("calendar_connections", "access_token");
    public static readonly EncryptedColumn CalendarRefreshToken = new("calendar_connections", "refresh_token");
    public static readonly EncryptedColumn OAuthCodeVerifier = new("calendar_oauth_states", "code_verifier");
    public static readonly EncryptedColumn WebhookSecret = new("webhook_endpoints", "secret");
    public static readonly EncryptedColumn WebhookPreviousSecret = new("webhook_endpoints", "previous_secret");

    public static readonly IReadOnlyList<EncryptedColumn> All = [TotpSecret, CalendarAccessToken, CalendarRefreshToken, OAuthCodeVerifier, WebhookSecret, WebhookPreviousSecret];
}
