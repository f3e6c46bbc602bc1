using Slices.Api.Features.Calendar.Providers;
using Slices.Api.Platform.Config;
using Slices.Api.Platform.Jobs;
using Slices.Api.Platform.Outbox;

namespace Slices.Api.Features.Calendar;

public static class CalendarExtensions
{
    public static void AddCalendar(this WebApplicationBuilder builder)
    {
        builder.AddSettings<CalendarOptions>(CalendarOptions.Section);
        Configure(builder.Services.AddHttpClient<GoogleCalendar>(Timeout));
        Configure(builder.Services.AddHttpClient<MicrosoftCalendar>(Timeout));
        builder.Services.AddSingleton<CalendarProviders>();
        builder.Services.AddSingleton<OAuthState>();
        builder.Services.AddSingleton<CalendarTokens>();
        builder.Services.AddSingleton<CalendarSync>();
        builder.Services.AddSingleton<IOutboxConsumer, CalendarOutboxConsumer>();
        builder.Services.AddSingleton<CalendarConnectionsDue>();
        builder.Services.AddTransient<CalendarConnectionJobs>();
        builder.Services.AddRecurringJob<CalendarSyncFanOut>(CalendarSyncFanOut.Id, JobQueues.Low, "*/15 * * * *");
        builder.Services.AddRecurringJob<TokenRefreshFanOut>(TokenRefreshFanOut.Id, JobQueues.Critical, "*/5 * * * *");
    }

    private static void Timeout(IServiceProvider services, HttpClient http) =>
        http.Timeout = TimeSpan.FromSeconds(services.GetRequiredService<CalendarOptions>().RequestTimeoutSeconds);

    // Redirects are not followed: a provider endpoint that redirects is misconfigured, and a token must not travel on.
    // The providers live as long as the process, so connections are recycled to notice DNS changes.
    private static void Configure(IHttpClientBuilder client) =>
        client.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
}
