namespace Slices.Api.Tests.Infrastructure;

/// <summary>Waits for background work (the outbox worker, a reconnecting client) to show its effect, for at most 30 s.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var value = await read();
        for (var attempt = 0; attempt < 300 && !done(value); attempt++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
            value = await read();
        }
        Assert.True(done(value), $"after 30 s, still not: {what}");
        return value;
    }

    public static Task TrueAsync(Func<bool> condition, string what) => ValueAsync(() => Task.FromResult(condition()), ok => ok, what);
}
