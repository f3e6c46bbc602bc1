using Slices.Api.Platform.Config;
using Slices.Api.Platform.Events;

namespace Slices.Api.Platform.Caching;

public static class CachingExtensions
{
    public static void AddCaching(this WebApplicationBuilder builder)
    {
        builder.AddSettings<CacheOptions>(CacheOptions.Section);
        builder.Services.AddSingleton<TwoLevelCache>();
        builder.Services.AddSingleton<CacheInvalidation>();
        builder.Services.AddSingleton<ICommitListener>(sp => sp.GetRequiredService<CacheInvalidation>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CacheInvalidation>());
    }
}
