using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Slices.Api.Platform.Errors;

/// <summary>Maps exceptions to problem details: client faults keep their status, anything else is a logged 500 with no internals.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, detail) = exception switch
        {
            ApiException api => (api.Status, api.Message),
            Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation, ConstraintName: "events_practice_id_stream_version_key" } =>
                (StatusCodes.Status409Conflict, "Someone else changed this record at the same moment. Read it again and retry."),
            // A query parameter with a NUL (request bodies are checked when read): the database refuses it, so the client gets a 400.
            Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CharacterNotInRepertoire or Npgsql.PostgresErrorCodes.UntranslatableCharacter } =>
                (StatusCodes.Status400BadRequest, "A text value contains a character that cannot be stored, such as NUL."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, "The request body is larger than the limit this API accepts."),
            BadHttpRequestException bad => (bad.StatusCode, "The request could not be read: it is malformed or incomplete."),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                (499, "The client closed the request before it completed."),
            _ => (StatusCodes.Status500InternalServerError, null),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception");
            Observability.ServerErrors.Capture(context, exception);
        }
        else logger.LogInformation("Request rejected with {StatusCode}: {ExceptionType}", status, exception.GetType().Name);

        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail };
        if (exception is ApiException { Extensions: var extensions })
            foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }
}
