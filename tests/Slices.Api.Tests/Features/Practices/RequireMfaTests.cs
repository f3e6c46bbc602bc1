using System.Net;
using System.Net.Http.Json;
using OtpNet;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Practices;

public sealed class RequireMfaTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_required_an_unenrolled_admin_can_only_enrol_until_they_do()
    {
        var practice = await app.SignUpAsync();
        var (_, _, staff) = await app.AddUserAsync(practice, "staff");
        var admin = app.AsAdmin(practice);

        var settings = await (await admin.PatchAsJsonAsync("/api/v1/practice", new { requireMfa = true }, Ct)).JsonAsync(HttpStatusCode.OK);
        Assert.True(settings.GetProperty("requireMfa").GetBoolean());

        var blocked = await admin.GetAsync("/api/v1/users", Ct);
        Assert.Contains("/api/v1/auth/mfa/totp", (await blocked.AssertProblemAsync(403)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/auth/me", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.As(staff).GetAsync("/api/v1/auth/me", Ct)).StatusCode);

        var enrol = await (await admin.PostAsync("/api/v1/auth/mfa/totp", null, Ct)).JsonAsync(HttpStatusCode.OK);
        var totp = new Totp(Base32Encoding.ToBytes(enrol.GetProperty("secret").GetString()));
        await (await admin.PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = totp.ComputeTotp() }, Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_settings_change_without_the_field_is_refused_rather_than_turning_mfa_off()
    {
        var practice = await app.SignUpAsync();

        var response = await app.AsAdmin(practice).PatchAsJsonAsync("/api/v1/practice", new { }, Ct);

        Assert.True((await response.AssertProblemAsync(400)).GetProperty("errors").TryGetProperty("requireMfa", out _));
    }
}
