namespace Slices.Api.Platform.Errors;

public static class ErrorsExtensions
{
    public static void AddErrors(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => Problems.Complete(c.ProblemDetails, c.HttpContext));
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
    }

    /// <summary>Exceptions and bodiless error statuses (404 for unknown routes, 405 for a wrong method) become problem+json.</summary>
    public static void UseErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
    }
}
