using System.Globalization;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Api;

/// <summary>
/// Optimistic concurrency over HTTP: reads carry ETag "v{version}"; updates must send it back in If-Match
/// (428 without it, 412 when someone else changed the record since).
/// </summary>
public static class Versions
{
    public static string ETag(int version) => $"\"v{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(HttpResponse response, int version) => response.Headers.ETag = ETag(version);

    /// <summary>The version the caller last read, from If-Match; throws the right problem when it is missing or malformed.</summary>
    public static int Expected(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
            throw new ApiException(StatusCodes.Status428PreconditionRequired, "Send If-Match with the ETag from your last read of this record, so a concurrent change is never overwritten.");
        var value = header.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Length > 3 && value[0] == '"' && value[1] == 'v' && value[^1] == '"' &&
               int.TryParse(value[2..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new ApiException(StatusCodes.Status412PreconditionFailed, "If-Match is not an ETag this API issued for this record.");
    }

    public static ApiException Stale() =>
        new(StatusCodes.Status412PreconditionFailed, "The record changed since you read it. Read it again (for the new ETag) and reapply your change.");
}
