using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Slices.Api.Tests.Infrastructure;

/// <summary>A Serilog sink that keeps what the app logged, rendered by the same JSON formatter production uses.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();
    private readonly RenderedCompactJsonFormatter _formatter = new();

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    public IReadOnlyList<LogEvent> Events => [.. _events];

    public IEnumerable<string> JsonLines => Events.Select(e =>
    {
        using var writer = new StringWriter();
        _formatter.Format(e, writer);
        return writer.ToString().TrimEnd();
    });

    /// <summary>Completion lines of requests with this request id (the request logger writes them after the response).</summary>
    public async Task<LogEvent[]> CompletionLinesAsync(string requestId)
    {
        for (var i = 0; i < 250; i++)
        {
            var lines = Events.Where(e => e.MessageTemplate.Text.StartsWith("HTTP ", StringComparison.Ordinal)
                                          && e.Properties.TryGetValue("RequestId", out var id) && id.ToString() == $"\"{requestId}\"").ToArray();
            if (lines.Length > 0) return lines;
            await Task.Delay(20);
        }
        return [];
    }
}
