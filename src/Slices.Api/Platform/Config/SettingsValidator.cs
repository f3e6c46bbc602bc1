using Microsoft.Extensions.Options;

namespace Slices.Api.Platform.Config;

internal sealed class SettingsValidator<T> : IValidateOptions<T> where T : Settings
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
