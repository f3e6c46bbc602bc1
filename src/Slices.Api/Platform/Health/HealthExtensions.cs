namespace Slices.Api.Platform.Health;

public static class HealthExtensions
{
    public static void AddHealth(this WebApplicationBuilder builder) => builder.Services.AddSingleton<HealthProbe>();
}
