using Slices.Api.Platform.Config;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Webhooks;

public static class WebhooksExtensions
{
    public static void AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.AddSettings<WebhookOptions>(WebhookOptions.Section, (options, config) =>
        {
            // https only in Production unless set; elsewhere plain http is allowed, for receivers on a developer's machine.
            if (config["Webhooks:RequireHttps"] is null) options.RequireHttps = builder.Environment.IsProduction();
        });
        builder.Services.AddSingleton<WebhookUrlGuard>();
        builder.Services.AddSingleton<IOutboxConsumer, WebhookFanOut>();
        builder.Services.AddBackgroundWork<WebhookDispatcher>();
    }
}
