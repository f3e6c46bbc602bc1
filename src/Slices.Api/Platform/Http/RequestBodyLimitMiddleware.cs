using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Http;

/// <summary>
/// Refuses a declared oversized body before reading a byte of it. Kestrel's own limit (the same number)
/// still stops chunked bodies that grow past it; the exception handler turns that into the same 413.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, HttpOptions options)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Request.ContentLength > options.MaxRequestBodyBytes
            ? Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the limit of {options.MaxRequestBodyBytes} bytes.")
            : next(context);
}
