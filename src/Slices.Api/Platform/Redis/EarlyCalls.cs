namespace Slices.Api.Platform.Redis;

/// <summary>
/// Redis calls a request sends early, beside another, and reads later. Nothing may wait on such a call until it is
/// read: the client completes its calls' tasks on the thread pool, so each waiter, even one that only times or
/// unwraps the answer, costs a thread hand-off when the answer lands, which is the cost sending early saves.
/// </summary>
public static class EarlyCalls
{
    /// <summary>
    /// Marks the call's failure as seen, for a call whose answer may go unread (the request fails authentication
    /// first), so it is not reported as an unobserved task exception. Costs nothing when the call succeeds: the
    /// continuation is cancelled in place, never scheduled.
    /// </summary>
    public static Task<T> Unwatched<T>(this Task<T> call)
    {
        call.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return call;
    }
}
