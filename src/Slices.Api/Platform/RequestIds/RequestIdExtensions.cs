namespace Slices.Api.Platform.RequestIds;

public static class RequestIdExtensions
{
    public static void UseRequestIds(this WebApplication app) => app.UseMiddleware<RequestIdMiddleware>();
}
