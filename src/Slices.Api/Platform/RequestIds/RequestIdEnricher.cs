using Serilog.Core;
using Serilog.Events;

namespace Slices.Api.Platform.RequestIds;

/// <summary>
/// Puts the request's id and trace id on every log line written while it runs, over any value already there: lines
/// written through Microsoft.Extensions.Logging also carry ASP.NET Core's request scope, whose RequestId is
/// Kestrel's connection-based one, not the id the client was given and quotes to support.
/// </summary>
internal sealed class RequestIdEnricher(string requestId, string? traceId) : ILogEventEnricher
{
    private readonly LogEventProperty _requestId = new("RequestId", new ScalarValue(requestId));
    private readonly LogEventProperty? _traceId = traceId is null ? null : new("TraceId", new ScalarValue(traceId));

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        logEvent.AddOrUpdateProperty(_requestId);
        if (_traceId is not null) logEvent.AddOrUpdateProperty(_traceId);
    }
}
