using Slices.Api.Platform.Config;
using Slices.Api.Platform.Jobs;

namespace Slices.Api.Platform.Crypto;

public static class CryptoExtensions
{
    public static void AddCrypto(this WebApplicationBuilder builder)
    {
        builder.AddSettings<CryptoOptions>(CryptoOptions.Section);
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<Database.TenantDirectory>();
        builder.Services.AddSingleton<KeyRotation>();
        builder.Services.AddRecurringJob<ReencryptionJob>(ReencryptionJob.Id, JobQueues.Low, "41 * * * *");
    }
}
