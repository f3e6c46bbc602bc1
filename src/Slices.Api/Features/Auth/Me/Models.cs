namespace Slices.Api.Features.Auth.Me;

public sealed record Response(Guid UserId, string Name, string Email, string Role, Guid PracticeId, string PracticeName, bool MfaEnabled, IReadOnlyList<string> Permissions);

public sealed record Row(string Name, string Email, string Role, string PracticeName, bool MfaEnabled);
