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

    // Each policy's RateLimit-Policy field, made once: the same few policies answer every request (an API key's own
    // limit adds one each; past a bound they are made per request).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<RateLimitPolicy, string> PolicyFields = new();
    private readonly RateLimitPolicy _default = LimitPolicies.Of(LimitPolicies.Default, options);

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    // The middleware tries this first, then awaits AcquireAsync: the Redis round trip happens there, once.
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Lease.NotYet;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext context, int permitCount, CancellationToken cancellationToken)
    {
        var user = context.User;
        var early = context.Items.Remove(EarlyCountKey, out var started) && started is EarlyCount { } e
            && user.Value(SlicesClaims.ActorType) == Actor.UserType && user.Value(SlicesClaims.Subject) == e.Subject ? e.Check : null;
        Decision decision;
        if (early is not null) decision = await gate.DecideAsync(early);
        else
        {
            var (partition, limitOverride) = PartitionOf(user, context);
            decision = await gate.CheckAsync(_default, partition, limitOverride);
        }
        Decision[] decisions = decision.Allowed && context.GetEndpoint()?.Metadata.GetMetadata<RateLimited>() is { } strict
            ? [decision, await gate.CheckAsync(LimitPolicies.Of(strict.Policy, options), $"ip:{context.Connection.RemoteIpAddress}")]
            : [decision];

        context.Response.OnStarting(static state =>
        {
            var (response, decided) = ((HttpResponse, Decision[]))state;
            Headers(response, decided);
            return Task.CompletedTask;
        }, (context.Response, decisions));
        return Array.Find(decisions, d => !d.Allowed) is { } refused ? new Lease(false, refused) : new Lease(true, null);
    }

    /// <summary>Sets the RateLimit fields for the decisions of this request (also used by slices that check a policy themselves).</summary>
    public static void Headers(HttpResponse response, IReadOnlyList<Decision> decisions)
    {
        if (decisions.Count == 1)
        {
            var d = decisions[0];
            response.Headers["RateLimit-Policy"] = PolicyField(d.Policy);
            response.Headers["RateLimit"] = Remaining(d);
            return;
        }
        response.Headers["RateLimit-Policy"] = string.Join(", ", decisions.Select(d => PolicyField(d.Policy)));
        response.Headers["RateLimit"] = string.Join(", ", decisions.Select(Remaining));
    }

    private static string Remaining(Decision d) => $"\"{d.Policy.Name}\";r={d.Remaining};t={(int)Math.Ceiling(d.ResetIn.TotalSeconds)}";

    private static string PolicyField(RateLimitPolicy policy)
    {
        if (PolicyFields.TryGetValue(policy, out var field)) return field;
        field = $"\"{policy.Name}\";q={policy.Limit};w={(int)policy.Window.TotalSeconds}";
        if (PolicyFields.Count < 1_000) PolicyFields.TryAdd(policy, field);
        return field;
    }

    /// <summary>
    /// Starts a signed-in user's count against the default policy as soon as authentication knows the user, so that it
    /// goes to Redis together with the session read instead of one round trip after it. The limiter takes it when the
    /// request is still that user's; when the session had ended, the request is counted as anyone's would be.
    /// </summary>
    public void StartUserCount(HttpContext context, string? subject)
    {
        if (context.Items.ContainsKey(EarlyCountKey)) return;
        var check = gate.Send(_default, UserPartition(subject));
        if (check.Count is { StartedAt: not 0 } sent) sent.Call.Unwatched(); // unread when the session has ended
        context.Items[EarlyCountKey] = new EarlyCount(subject, check);
    }

    private static string UserPartition(string? subject) => $"user:{subject}";

    private static (string Partition, int? Limit) PartitionOf(ClaimsPrincipal user, HttpContext context) =>
        user.Value(SlicesClaims.ActorType) switch
        {
            Actor.ApiKeyType => ($"key:{user.Value(SlicesClaims.Subject)}",
                int.TryParse(user.Value(SlicesClaims.RateLimit), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null),
            Actor.UserType => (UserPartition(user.Value(SlicesClaims.Subject)), null),
            _ => ($"ip:{context.Connection.RemoteIpAddress}", null),
        };

    private sealed record EarlyCount(string? Subject, SentCheck Check);

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
