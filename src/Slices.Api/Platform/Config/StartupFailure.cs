using Microsoft.Extensions.Options;

namespace Slices.Api.Platform.Config;

/// <summary>Turns the validation failures of every settings class into one message for the operator.</summary>
public static class StartupFailure
{
    public static bool TryDescribe(Exception exception, out string message)
    {
        var failures = Flatten(exception).SelectMany(e => e.Failures).Distinct().ToList();
        if (failures.Count == 0)
        {
            message = "";
            return false;
        }

        var lines = failures.Select(f => $"  - {f}");
        message = $"Slices cannot start: {failures.Count} configuration problem(s). Set these variables (or the keys in parentheses) and start again:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        return true;
    }

    private static IEnumerable<OptionsValidationException> Flatten(Exception exception) => exception switch
    {
        OptionsValidationException single => [single],
        AggregateException many => many.InnerExceptions.SelectMany(Flatten),
        _ when exception.InnerException is not null => Flatten(exception.InnerException),
        _ => [],
    };
}
