namespace Slices.Api.Platform.Errors;

/// <summary>A failure to report to the caller as a problem with this status, from code that has no endpoint at hand.</summary>
public sealed class ApiException(int status, string detail, IReadOnlyDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;

    /// <summary>Extra problem members a client can act on, such as the id of a conflicting record.</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static ApiException Conflict(string detail) => new(StatusCodes.Status409Conflict, detail);
    public static ApiException NotAUser() =>
        new(StatusCodes.Status403Forbidden, "Only a signed-in user can do this; an API key is not a user and has no session.");

    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, $"No {what} with this id exists in your practice.");
}
