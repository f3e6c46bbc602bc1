using System.Buffers;
using System.Diagnostics;
using Serilog.Context;
using Slices.Api.Platform.Database;

namespace Slices.Api.Platform.RequestIds;

/// <summary>
/// Every request gets one id: a caller's well-formed X-Request-ID is kept (so a client's id follows the request
/// through our logs), anything else is replaced by a UUIDv7. It becomes HttpContext.TraceIdentifier, is echoed
/// on the response, and is on every log line of the request.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-ID";
    public const string SpanTag = "slices.request_id";
    private const int MaxLength = 128;
    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[Header];
        var id = incoming.Count == 1 && IsWellFormed(incoming[0]) ? incoming[0]! : Ids.NewV7().ToString();
        context.TraceIdentifier = id;
        Activity.Current?.SetTag(SpanTag, id); // on the request's span, whichever tracer exports it
        context.Response.OnStarting(static state =>
        {
            var context = (HttpContext)state;
            context.Response.Headers[Header] = context.TraceIdentifier;
            return Task.CompletedTask;
        }, context);

        using (LogContext.Push(new RequestIdEnricher(id, Activity.Current?.TraceId.ToString())))
        {
            await next(context);
        }
    }

    public static bool IsWellFormed(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.AsSpan().ContainsAnyExcept(Allowed);
}
