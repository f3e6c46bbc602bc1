using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Outbox;

/// <summary>
/// Which role this process plays (DESIGN.md, "Processes"): <c>api</c> serves HTTP only, <c>worker</c> also runs the
/// background work, <c>all</c> (the default, locally and in tests) does both. Every role answers the health probes.
/// </summary>
public sealed class ProcessOptions : Settings
{
    public const string Section = "Process";
    private static readonly string[] Roles = ["all", "api", "worker"];

    public string Role { get; set; } = "all";

    public bool RunsBackgroundWork => Role is "all" or "worker";

    public static void ApplyAliases(ProcessOptions options, IConfiguration config) => options.Role = config["SLICES_ROLE"] ?? options.Role;

    protected override IEnumerable<string> Check()
    {
        if (!Roles.Contains(Role)) yield return SettingName.Problem("SLICES_ROLE", "Process:Role", "must be all, api or worker");
    }
}
