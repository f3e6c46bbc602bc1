namespace Slices.Api.Platform.RateLimiting;

/// <summary>
/// A signed-in user's count against the default policy, started by authentication as soon as the token names the
/// user, so that it goes to Redis together with the session read instead of one round trip after it. The limiter takes
/// it when the request is still that user's; when the session had ended, the request is counted as anyone's would be.
/// </summary>
public static class EarlyCount
{
    private static readonly object Key = new();

    public static void Start(HttpContext context, string partition)
    {
        if (context.Items.ContainsKey(Key)) return;
        var services = context.RequestServices;
        var policy = LimitPolicies.Of(LimitPolicies.Default, services.GetRequiredService<RateLimitOptions>());
        context.Items[Key] = new Started(partition, services.GetRequiredService<RateLimitGate>().CheckAsync(policy, partition));
    }

    public static Task<Decision>? Take(HttpContext context, string partition) =>
        context.Items.Remove(Key, out var started) && started is Started { } s && s.Partition == partition ? s.Decision : null;

    private sealed record Started(string Partition, Task<Decision> Decision);
}
