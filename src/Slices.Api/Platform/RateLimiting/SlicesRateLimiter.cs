using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Redis;

namespace Slices.Api.Platform.RateLimiting;

/// <summary>
/// The one limiter of ASP.NET Core's rate-limiting middleware: every request counts against the default policy
/// (per API key, else user, else client IP) and, where the endpoint asks, a stricter named policy per IP. Every
/// limited response carries the IETF RateLimit-Policy and RateLimit fields.
/// </summary>
public sealed class SlicesRateLimiter(RateLimitGate gate, RateLimitOptions options) : PartitionedRateLimiter<HttpContext>
{
    public const string UnavailableMetadata = "SLICES_RATE_LIMIT_UNAVAILABLE";
    private static readonly object EarlyCountKey = new();

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    // The middleware tries this first, then awaits AcquireAsync: the Redis round trip happens there, once.
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext context, int permitCount, CancellationToken cancellationToken)
    {
        var decisions = new List<Decision>();
        var (partition, limitOverride) = PartitionOf(context.User, context);
        var early = context.Items.Remove(EarlyCountKey, out var started) && started is EarlyCount { } e && e.Partition == partition ? e.Check : null;
        decisions.Add(await (early is not null ? gate.DecideAsync(early) : gate.CheckAsync(LimitPolicies.Of(LimitPolicies.Default, options), partition, limitOverride)));
        if (decisions[0].Allowed && context.GetEndpoint()?.Metadata.GetMetadata<RateLimited>() is { } strict)
            decisions.Add(await gate.CheckAsync(LimitPolicies.Of(strict.Policy, options), $"ip:{context.Connection.RemoteIpAddress}"));

        context.Response.OnStarting(() =>
        {
            Headers(context.Response, decisions);
            return Task.CompletedTask;
        });
        return decisions.FirstOrDefault(d => !d.Allowed) is { } refused ? new Lease(false, refused) : new Lease(true, null);
    }

    /// <summary>Sets the RateLimit fields for the decisions of this request (also used by slices that check a policy themselves).</summary>
    public static void Headers(HttpResponse response, IReadOnlyList<Decision> decisions)
    {
        response.Headers["RateLimit-Policy"] = string.Join(", ", decisions.Select(d => $"\"{d.Policy.Name}\";q={d.Policy.Limit};w={(int)d.Policy.Window.TotalSeconds}"));
        response.Headers["RateLimit"] = string.Join(", ", decisions.Select(d => $"\"{d.Policy.Name}\";r={d.Remaining};t={(int)Math.Ceiling(d.ResetIn.TotalSeconds)}"));
    }

    /// <summary>
    /// Starts a signed-in user's count against the default policy as soon as authentication knows the user, so that it
    /// goes to Redis together with the session read instead of one round trip after it. The limiter takes it when the
    /// request is still that user's; when the session had ended, the request is counted as anyone's would be.
    /// </summary>
    public void StartUserCount(HttpContext context, string? subject)
    {
        if (context.Items.ContainsKey(EarlyCountKey)) return;
        var partition = UserPartition(subject);
        var check = gate.Send(LimitPolicies.Of(LimitPolicies.Default, options), partition);
        check.Count?.Call.Unwatched(); // unread when the session has ended
        context.Items[EarlyCountKey] = new EarlyCount(partition, check);
    }

    private static string UserPartition(string? subject) => $"user:{subject}";

    private static (string Partition, int? Limit) PartitionOf(ClaimsPrincipal user, HttpContext context) =>
        user.Value(SlicesClaims.ActorType) switch
        {
            "api_key" => ($"key:{user.Value(SlicesClaims.Subject)}",
                int.TryParse(user.Value(SlicesClaims.RateLimit), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null),
            "user" => (UserPartition(user.Value(SlicesClaims.Subject)), null),
            _ => ($"ip:{context.Connection.RemoteIpAddress}", null),
        };

    private sealed record EarlyCount(string Partition, SentCheck Check);

    private sealed class Lease(bool acquired, Decision? refused) : RateLimitLease
    {
        public static readonly Lease NotYet = new(false, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => refused is null ? [] : [MetadataName.RetryAfter.Name, UnavailableMetadata];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = (refused, metadataName) switch
            {
                (not null, _) when metadataName == MetadataName.RetryAfter.Name => refused.ResetIn,
                (not null, UnavailableMetadata) => refused.Unavailable,
                _ => null,
            };
            return metadata is not null;
        }
    }
}
