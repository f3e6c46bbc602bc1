using Microsoft.AspNetCore.Hosting;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Webhooks;

/// <summary>The app delivering webhooks to a receiver on loopback, with the retry schedule in fractions of a second.</summary>
public sealed class WebhookApp : SlicesApp
{
    public WebhookReceiver Receiver { get; } = WebhookReceiver.StartAsync().GetAwaiter().GetResult();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Configure(Settings);
        base.ConfigureWebHost(builder);
    }

    public static void Configure(IDictionary<string, string?> s)
    {
        s["Webhooks:AllowLoopback"] = "true";
        s["Webhooks:TimeoutSeconds"] = "1";
        s["Webhooks:PollIntervalMs"] = "20";
        s["Outbox:PollIntervalMs"] = "20";
        s["Webhooks:RetrySchedule"] = "0" + string.Concat(Enumerable.Repeat(",0.05", 14)); // 15 attempts
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
