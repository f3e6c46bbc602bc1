using System.Security.Cryptography;
using System.Text;
using Slices.Api.Platform.Auth;

namespace Slices.Api.Platform.Caching;

/// <summary>
/// Endpoint metadata: keep this GET's 200 answers, per practice, route, path, query and the caller's permissions, until
/// a commit records an event on a stream of one of these kinds. Opt in with one line in Configure:
/// <c>Options(b =&gt; b.CacheResponse("appointment", "clinician"));</c> An answer that depends on who asks beyond their
/// permissions (their own connections) is kept per caller. Only for answers that are not PHI: a PHI read must write
/// its access-log rows on every read.
/// </summary>
public sealed record CachedResponse(CacheArea Area, bool PerCaller, string[] Kinds);

public sealed record CachedAnswer(string ContentType, byte[] Body);

public static class ResponseCaching
{
    public static RouteHandlerBuilder CacheResponse(this RouteHandlerBuilder builder, params string[] kinds) =>
        builder.WithMetadata(new CachedResponse(CacheArea.Responses, PerCaller: false, kinds));

    public static RouteHandlerBuilder CacheResponsePerCaller(this RouteHandlerBuilder builder, CacheArea area, params string[] kinds) =>
        builder.WithMetadata(new CachedResponse(area, PerCaller: true, kinds));

    public static void UseResponseCache(this WebApplication app) => app.UseMiddleware<ResponseCacheMiddleware>();

    /// <summary>RFC 9211 Cache-Status: where the answer came from.</summary>
    public static void SetCacheStatus(this HttpResponse response, CacheOutcome outcome) =>
        response.Headers["Cache-Status"] = outcome switch
        {
            CacheOutcome.Memory => "slices; hit; detail=memory",
            CacheOutcome.Redis => "slices; hit; detail=redis",
            CacheOutcome.Miss => "slices; fwd=miss",
            _ => "slices; fwd=bypass",
        };
}

/// <summary>Serves and stores the answers of endpoints marked <see cref="CachedResponse"/>; runs after authorization, so only callers allowed the route get them.</summary>
public sealed class ResponseCacheMiddleware(RequestDelegate next, TwoLevelCache cache)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var marked = http.GetEndpoint()?.Metadata.GetMetadata<CachedResponse>();
        if (marked is null || !HttpMethods.IsGet(http.Request.Method) || !cache.Enabled || http.User.Value(SlicesClaims.Practice) is null)
        {
            await next(http);
            return;
        }

        var ranHere = false;
        var (answer, outcome) = await cache.GetOrLoadAsync(marked.Area, http.User.PracticeId(), Key(http, marked.PerCaller), marked.Kinds, async _ =>
        {
            ranHere = true;
            return await RunBufferedAsync(http);
        }, http.RequestAborted, http);
        if (ranHere) return;
        if (answer is null)
        {
            await next(http); // shared a load whose answer was not a 200: answer for ourselves
            return;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = answer.ContentType;
        http.Response.SetCacheStatus(outcome);
        await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
    }

    /// <summary>Runs the endpoint into a buffer, sends what it wrote, and returns it when it is a cacheable 200.</summary>
    private async Task<CachedAnswer?> RunBufferedAsync(HttpContext http)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = original;
        }
        var ok = http.Response.StatusCode == StatusCodes.Status200OK;
        if (ok) http.Response.SetCacheStatus(CacheOutcome.Miss);
        await original.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), http.RequestAborted);
        return ok ? new CachedAnswer(http.Response.ContentType ?? "application/json", buffer.ToArray()) : null;
    }

    // The route, the path and the query (sorted), and a digest of the caller's permissions (and the caller, when
    // kept per caller): callers who may see different things never share an entry. The practice is in every key.
    private static string Key(HttpContext http, bool perCaller)
    {
        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "";
        var query = string.Join('&', http.Request.Query.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
        var permissions = http.User.PermissionList();
        if (perCaller) permissions += $"\n{http.User.Value(SlicesClaims.ActorType)}:{http.User.Value(SlicesClaims.Subject)}";
        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{route}\n{http.Request.Path}\n{query}\n{permissions}")));
        return $"response:{digest}";
    }
}
