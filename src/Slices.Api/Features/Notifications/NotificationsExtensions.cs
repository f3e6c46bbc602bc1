using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Notifications;

public static class NotificationsExtensions
{
    public static void AddNotifications(this WebApplicationBuilder builder)
    {
        builder.Services.AddTransient<AppointmentEmailJob>();
        builder.Services.AddTransient<WebhookDisabledEmailJob>();
        builder.Services.AddSingleton<IOutboxConsumer, AppointmentEmailConsumer>();
    }
}
