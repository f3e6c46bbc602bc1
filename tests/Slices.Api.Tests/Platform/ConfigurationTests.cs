using System.Text.RegularExpressions;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed partial class ConfigurationTests
{
    [Fact]
    public async Task Missing_required_settings_stop_the_process_before_it_listens_with_one_message_naming_each_variable()
    {
        var (exitCode, stdout, stderr) = await RunAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        Assert.Equal(2, exitCode);
        Assert.Single(Regex.Matches(stderr, "Slices cannot start"));
        Assert.Contains("DATABASE_URL (or Database:Url): required", stderr, StringComparison.Ordinal);
        Assert.Contains("REDIS_URL (or Redis:Url): required", stderr, StringComparison.Ordinal);
        Assert.Contains("Crypto__Keys__<id> (Crypto:Keys:<id>): required", stderr, StringComparison.Ordinal);
        Assert.Contains("Auth__SigningKeys__<kid> (Auth:SigningKeys:<kid>): required", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Malformed_values_are_all_reported_together_without_echoing_them()
    {
        var (exitCode, _, stderr) = await RunAsync(new(TestStack.SecretVariables())
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DATABASE_URL"] = "mysql://root:hunter2@db/slices",
            ["REDIS_URL"] = "http://cache:6379",
            ["PORT"] = "99999",
            ["Database__MaxPoolSize"] = "lots",
            ["Shutdown__InFlightTimeoutSeconds"] = "0",
            ["Cors__AllowedOrigins__0"] = "*",
            ["Cors__AllowedOrigins__1"] = "https://app.clinic.example/login",
            ["Http__TrustedProxies__0"] = "proxy.internal",
            ["Https__HstsMaxAgeSeconds"] = "3600",
            ["RateLimiting__LeasePercent"] = "50",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("DATABASE_URL (or Database:Url): not a valid postgres:// URL or connection string", stderr, StringComparison.Ordinal);
        Assert.Contains("REDIS_URL (or Redis:Url): not a valid", stderr, StringComparison.Ordinal);
        Assert.Contains("PORT (or Http:Port): must be a port number", stderr, StringComparison.Ordinal);
        Assert.Contains("Database__MaxPoolSize (Database:MaxPoolSize): not a whole number", stderr, StringComparison.Ordinal);
        Assert.Contains("Shutdown__InFlightTimeoutSeconds (Shutdown:InFlightTimeoutSeconds): must be between 1 and 300", stderr, StringComparison.Ordinal);
        Assert.Contains("Cors__AllowedOrigins (Cors:AllowedOrigins): '*' is not an origin", stderr, StringComparison.Ordinal);
        Assert.Contains("Cors__AllowedOrigins (Cors:AllowedOrigins): 'https://app.clinic.example/login' is not an origin", stderr, StringComparison.Ordinal);
        Assert.Contains("Http__TrustedProxies (Http:TrustedProxies): 'proxy.internal' is not an IP address or CIDR network", stderr, StringComparison.Ordinal);
        Assert.Contains("Https__HstsMaxAgeSeconds (Https:HstsMaxAgeSeconds): must be between 31536000", stderr, StringComparison.Ordinal);
        Assert.Contains("RateLimiting__LeasePercent (RateLimiting:LeasePercent): must be between 0 and 10", stderr, StringComparison.Ordinal);
        Assert.Contains("10 configuration problem(s)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("lots", stderr, StringComparison.Ordinal);
    }

    /// <summary>The variables Production refuses to start without, as the app itself reports them.</summary>
    public static async Task<IReadOnlyList<string>> RequiredInProductionAsync()
    {
        var (_, _, stderr) = await RunAsync(new() { ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        return RequiredLine().Matches(stderr).Select(m => m.Groups["name"].Value).ToList();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(Dictionary<string, string?> environment)
    {
        await using var process = AppProcess.Start(environment);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, process.Stdout, process.Stderr);
    }

    [GeneratedRegex(@"^\s+- (?<name>[A-Za-z_<>]+) .*: required", RegexOptions.Multiline)]
    private static partial Regex RequiredLine();
}
