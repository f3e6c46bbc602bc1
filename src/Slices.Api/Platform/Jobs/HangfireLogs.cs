using Hangfire.Logging;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// Hangfire's own messages (server start and stop, retries, failures) in the app's log. Hangfire's log provider is
/// process-wide, so it writes through the job server that started last. Exceptions are logged by type only: a
/// job's exception message can quote data (a relay's answer, a provider's error body).
/// </summary>
internal sealed class HangfireLogs : ILogProvider
{
    private static readonly HangfireLogs Instance = new();
    private static ILoggerFactory? _factory;

    public static void Attach(ILoggerFactory factory)
    {
        _factory = factory;
        LogProvider.SetCurrentLogProvider(Instance);
    }

    public static void Detach(ILoggerFactory factory) => Interlocked.CompareExchange(ref _factory, null, factory);

    public ILog GetLogger(string name) => new Forwarder(name);

    private sealed class Forwarder(string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            if (_factory is not { } factory) return false;
            var level = logLevel switch
            {
                Hangfire.Logging.LogLevel.Trace => MsLogLevel.Trace,
                Hangfire.Logging.LogLevel.Debug => MsLogLevel.Debug,
                Hangfire.Logging.LogLevel.Info => MsLogLevel.Information,
                Hangfire.Logging.LogLevel.Warn => MsLogLevel.Warning,
                Hangfire.Logging.LogLevel.Error => MsLogLevel.Error,
                _ => MsLogLevel.Critical,
            };
            try
            {
                var logger = factory.CreateLogger(name);
                if (messageFunc is null) return logger.IsEnabled(level);
                if (!logger.IsEnabled(level)) return false;
                if (exception is null) logger.Log(level, "{HangfireMessage}", messageFunc());
                else logger.Log(level, "{HangfireMessage} ({ExceptionType})", messageFunc(), exception.GetType().Name);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false; // the app that owned the factory has stopped
            }
        }
    }
}
