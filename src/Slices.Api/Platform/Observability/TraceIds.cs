using System.Diagnostics;

namespace Slices.Api.Platform.Observability;

/// <summary>Every request gets a W3C trace id, even with no tracing exporter attached, so logs and problems can quote it.</summary>
internal static class TraceIds
{
    private static readonly Lazy<ActivityListener> Listener = new(() =>
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    });

    public static void EnsureForEveryRequest() => _ = Listener.Value;
}
