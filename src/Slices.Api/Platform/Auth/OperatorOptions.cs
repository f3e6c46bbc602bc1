using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Auth;

/// <summary>
/// The practice that runs this deployment. Its admins (signed in as users, never through an API key) may use the
/// operator endpoints under /api/v1/admin, which see every practice: encryption keys, and later jobs.
/// </summary>
public sealed class OperatorOptions : Settings
{
    public const string Section = "Operator";

    public Guid? PracticeId { get; set; }

    public bool IsOperator(Guid practiceId, string role) => PracticeId == practiceId && role == "admin";

    protected override IEnumerable<string> Check() => [];
}
