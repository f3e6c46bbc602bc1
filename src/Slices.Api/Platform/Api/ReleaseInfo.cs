using System.Reflection;

namespace Slices.Api.Platform.Api;

/// <summary>Which build is running: SLICES_RELEASE (the git commit, baked into the image) or the assembly's version.</summary>
public sealed class ReleaseInfo(IConfiguration config)
{
    public string Release { get; } = config["SLICES_RELEASE"] is { Length: > 0 } release
        ? release
        : typeof(ReleaseInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev";
}
