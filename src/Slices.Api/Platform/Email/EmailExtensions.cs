using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Email;

public static class EmailExtensions
{
    public static void AddEmail(this WebApplicationBuilder builder)
    {
        builder.AddSettings<EmailOptions>(EmailOptions.Section);
        builder.Services.AddSingleton<EmailSender>();
    }
}
