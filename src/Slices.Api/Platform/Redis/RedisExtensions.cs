using Slices.Api.Platform.Config;
using StackExchange.Redis;

namespace Slices.Api.Platform.Redis;

public static class RedisExtensions
{
    /// <summary>One multiplexer for the process, shared by every caller (StackExchange.Redis is built to be shared).</summary>
    public static void AddRedis(this WebApplicationBuilder builder)
    {
        builder.AddSettings<RedisOptions>(RedisOptions.Section, RedisOptions.ApplyAliases);
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(sp.GetRequiredService<RedisOptions>().Connection()));
    }
}
