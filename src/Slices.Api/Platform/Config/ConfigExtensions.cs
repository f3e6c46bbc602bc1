using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Slices.Api.Platform.Config;

public static partial class ConfigExtensions
{
    /// <summary>Reads secrets mounted as one file per key (Docker, Kubernetes, Vault Agent); they win over the environment.</summary>
    public static void AddSecretFiles(this WebApplicationBuilder builder)
    {
        var folder = builder.Configuration["SECRETS_DIR"] ?? "/run/secrets";
        builder.Configuration.AddKeyPerFile(folder, optional: true, reloadOnChange: false);
    }

    /// <summary>
    /// Binds a settings class to its section, lets <paramref name="aliases"/> apply top-level variables such as
    /// DATABASE_URL, and validates it at start together with every other settings class.
    /// </summary>
    public static void AddSettings<T>(this WebApplicationBuilder builder, string section, Action<T, IConfiguration>? aliases = null)
        where T : Settings
    {
        builder.Services.AddOptions<T>()
            .Configure<IConfiguration>((options, config) =>
            {
                try
                {
                    config.GetSection(section).Bind(options);
                }
                catch (InvalidOperationException e)
                {
                    options.BindFailures.Add(DescribeBindFailure(e.Message));
                }
                aliases?.Invoke(options, config);
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<T>, SettingsValidator<T>>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        builder.Services.AddSingleton(new SettingsRegistration(sp => sp.GetRequiredService<IOptions<T>>().Value));
    }

    /// <summary>Validates every settings class at once, so one failure lists all the problems, not just the first class's.</summary>
    public static void ValidateAllSettings(this IServiceProvider services)
    {
        var failures = new List<Exception>();
        foreach (var registration in services.GetServices<SettingsRegistration>())
        {
            try
            {
                registration.Resolve(services);
            }
            catch (OptionsValidationException e)
            {
                failures.Add(e);
            }
        }
        if (failures.Count > 0) throw new AggregateException(failures);
    }

    // The binder's message quotes the offending value, which may be a secret: keep only the key and the type.
    private static string DescribeBindFailure(string message)
    {
        var match = BindFailurePattern().Match(message);
        return match.Success
            ? SettingName.Problem(match.Groups["key"].Value, match.Groups["type"].Value switch
            {
                "System.Int32" or "System.Int64" => "not a whole number",
                "System.Boolean" => "must be true or false",
                "System.DateTimeOffset" => "not a date and time (ISO 8601, e.g. 2027-05-01T00:00:00Z)",
                var type => $"not a valid {type.Replace("System.", "", StringComparison.Ordinal)}",
            })
            : "a setting has a value of the wrong type";
    }

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BindFailurePattern();

    internal sealed record SettingsRegistration(Func<IServiceProvider, object> Resolve);
}
