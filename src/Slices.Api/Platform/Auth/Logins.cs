namespace Slices.Api.Platform.Auth;

public static class Logins
{
    /// <summary>The one answer when an email is taken, wherever: it does not say which practice has it.</summary>
    public const string EmailTaken = "This email cannot be used for a new account. Sign in with it, or use another.";
}
