using Hangfire;
using Hangfire.Dashboard;
using Slices.Api.Platform.Auth;
using Slices.Api.Platform.Errors;

namespace Slices.Api.Platform.Jobs;

/// <summary>
/// Hangfire's dashboard at /jobs, for admins of the operator practice only (the <c>platform:operate</c> permission,
/// signed in with a bearer token or the session cookies). Everyone else gets a problem, never the page. Its buttons
/// (requeue a failed job, trigger a recurring one) carry ASP.NET Core's antiforgery token.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/jobs";

    public static void UseJobsDashboard(this WebApplication app)
    {
        var options = new DashboardOptions
        {
            DashboardTitle = "Slices jobs",
            AppPath = null,
            DisplayStorageConnectionString = false,
            Authorization = [],
            AsyncAuthorization = [],
        };
        app.Map(Path, branch =>
        {
            branch.Use((context, next) => context.User.Identity?.IsAuthenticated != true
                ? Problems.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign in as an admin of the operator practice to see the jobs.")
                : !context.User.HasClaim(SlicesClaims.Permission, Permission.Operate)
                    ? Problems.WriteAsync(context, StatusCodes.Status403Forbidden, "Only admins of the operator practice may see the jobs.")
                    : next(context));
            branch.Use(next => new AspNetCoreDashboardMiddleware(next, app.Services.GetRequiredService<JobStorage>(), options, DashboardRoutes.Routes).Invoke);
        });
    }
}
