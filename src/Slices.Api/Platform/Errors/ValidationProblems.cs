using System.Text.Json;
using FluentValidation.Results;

namespace Slices.Api.Platform.Errors;

/// <summary>FastEndpoints' validation and binding failures in the API's problem shape, with errors grouped per field.</summary>
public static class ValidationProblems
{
    public static object Build(List<ValidationFailure> failures, HttpContext context, int status)
    {
        var problem = new HttpValidationProblemDetails(failures
            .GroupBy(f => FieldName(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray()))
        {
            Status = status,
            Detail = status == StatusCodes.Status400BadRequest ? "The request has invalid fields; see errors." : failures.FirstOrDefault()?.ErrorMessage,
        };
        Problems.Complete(problem, context);
        return problem;
    }

    /// <summary>Names the place in the body where the JSON broke, without echoing .NET type names or the input itself.</summary>
    public static ValidationFailure FromJsonException(JsonException e)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
        var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
        var reason = e switch
        {
            Api.UnstorableTextException => e.Message,
            _ when e.Message.Contains("could not be mapped", StringComparison.Ordinal) => "This field is not part of the request.",
            _ when e.Message.Contains("maximum configured depth", StringComparison.Ordinal) => $"The request body nests objects or arrays deeper than this API accepts{where}.",
            _ => $"The request body is not valid JSON, or this value has the wrong type{where}.",
        };
        return new ValidationFailure(field, reason);
    }

    private static string FieldName(string propertyName) =>
        string.IsNullOrEmpty(propertyName) ? "request" : JsonNamingPolicy.CamelCase.ConvertName(propertyName);
}
