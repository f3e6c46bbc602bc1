using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Slices.Api.Platform.Errors;

/// <summary>RFC 9457 problem details, the one error shape of the API: every error carries requestId and traceId.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext context, int status, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        }).AsTask();
    }

    /// <summary>Fills what every problem needs: a type and title for the status, a plain detail, and the ids to quote to support.</summary>
    public static void Complete(ProblemDetails problem, HttpContext context)
    {
        var status = problem.Status ?? context.Response.StatusCode;
        problem.Status = status;
        problem.Type ??= $"https://httpstatuses.io/{status}";
        problem.Title ??= ReasonPhrase(status);
        problem.Detail ??= DefaultDetail(status, context);
        problem.Instance ??= context.Request.Path;
        problem.Extensions["requestId"] = context.TraceIdentifier;
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString();
    }

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";

    private static string? DefaultDetail(int status, HttpContext context) => status switch
    {
        StatusCodes.Status404NotFound => "There is nothing at this URL. The API lives under /api/v1; see /docs.",
        StatusCodes.Status405MethodNotAllowed => $"This URL does not accept {context.Request.Method}. The Allow header lists the methods it does accept.",
        StatusCodes.Status500InternalServerError => "Something went wrong on our side. Nothing was changed unless the operation says otherwise; quote the requestId if you contact support.",
        _ => null,
    };
}
