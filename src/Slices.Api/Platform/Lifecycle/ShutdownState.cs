namespace Slices.Api.Platform.Lifecycle;

public sealed class ShutdownState
{
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public void BeginStopping() => _stopping = true;
}
