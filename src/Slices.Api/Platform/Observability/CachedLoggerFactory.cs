using System.Collections.Concurrent;

namespace Slices.Api.Platform.Observability;

/// <summary>
/// One logger per category. Serilog's logger factory builds a new logger, with a cache of its own, on every
/// CreateLogger call, and ASP.NET Core makes the authentication handlers per request, each asking the factory for
/// one: two loggers built and dropped per request (a tenth of what a cached patient read allocated).
/// </summary>
internal sealed class CachedLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    // Categories are type and area names; past this many something is making them up, and those are not kept.
    private const int Limit = 10_000;
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName)
    {
        if (_loggers.TryGetValue(categoryName, out var logger)) return logger;
        return _loggers.Count < Limit ? _loggers.GetOrAdd(categoryName, inner.CreateLogger) : inner.CreateLogger(categoryName);
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    /// <summary>Wraps the logger factory registered last (Serilog's), which the container then no longer holds apart.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ILoggerFactory));
        if (registered.ImplementationFactory is not { } create)
            throw new InvalidOperationException("The logger factory to cache is expected to be registered by a factory (Serilog's AddSerilog).");
        services.Remove(registered);
        services.AddSingleton<ILoggerFactory>(provider => new CachedLoggerFactory((ILoggerFactory)create(provider)));
    }
}
