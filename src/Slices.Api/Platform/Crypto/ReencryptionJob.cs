using Slices.Api.Platform.Jobs;

namespace Slices.Api.Platform.Crypto;

/// <summary>
/// Hourly: moves values still under an older key to the active one, in batches (the same work as the operator's
/// POST /admin/encryption/reencrypt, which stays for doing it at once). After a rotation nobody has to remember it;
/// when every value is under the active key, a run only reads.
/// </summary>
public sealed class ReencryptionJob(KeyRotation rotation) : IRecurringJob
{
    public const string Id = "reencrypt";

    public Task RunAsync(CancellationToken ct) => rotation.ReencryptAsync(500, ct);
}
