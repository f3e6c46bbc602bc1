using Microsoft.AspNetCore.Hosting;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Notifications;

/// <summary>The app sending its email through a relay on loopback, with the outbox polled often.</summary>
public sealed class MailApp : SlicesApp
{
    public FakeSmtp Smtp { get; } = FakeSmtp.Start();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Smtp.Configure(Settings);
        Settings["Outbox:PollIntervalMs"] = "50";
        Settings["Jobs:SchedulePollingMs"] = "200";
        base.ConfigureWebHost(builder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
