namespace Slices.Api.Features.Webhooks;

/// <summary>An endpoint as the API shows it. Its signing secret is shown only when it is made (create, rotate-secret).</summary>
public sealed record Webhook(Guid Id, string Url, string? Description, string[] Events, bool Enabled, string? DisabledReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public Webhook() : this(Guid.Empty, "", null, [], false, null, default, default) { }

    public const string Columns = "id, url, description, events, enabled, disabled_reason, created_at, updated_at";

    public static readonly Webhook Example = new(Guid.Parse("01935d70-1a2b-7c3d-8e4f-5061728394a5"), "https://hooks.example.com/slices", "Front-desk reminders",
        ["appointment.scheduled", "appointment.cancelled"], true, null, new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 9, 30, 0, TimeSpan.Zero));
}

/// <summary>An endpoint with its secret, the one time it is shown.</summary>
public sealed record WebhookWithSecret(Guid Id, string Url, string? Description, string[] Events, bool Enabled, string Secret, DateTimeOffset CreatedAt)
{
    public static WebhookWithSecret Of(Webhook w, string secret) => new(w.Id, w.Url, w.Description, w.Events, w.Enabled, secret, w.CreatedAt);
}
