namespace Slices.Api.Platform.Config;

/// <summary>An options class that lists everything wrong with its values, each problem naming the variable to set.</summary>
public abstract class Settings
{
    internal List<string> BindFailures { get; } = [];

    public IEnumerable<string> Problems() => BindFailures.Concat(Check());

    protected abstract IEnumerable<string> Check();
}
