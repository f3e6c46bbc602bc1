using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using OtpNet;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Features.Auth;

public sealed class TwoFactorTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_enrolment_sign_in_needs_a_code_each_code_works_once_and_recovery_codes_work_once()
    {
        var practice = await app.SignUpAsync();
        var (totp, recoveryCodes) = await EnrolAsync(practice);

        var withoutCode = await LoginAsync(practice.AdminEmail, null);
        // Confirmation spent the current 30 s step; the next step's code is accepted (one step of drift) and fresh.
        var code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        var withCode = await LoginAsync(practice.AdminEmail, code);
        var replayed = await LoginAsync(practice.AdminEmail, code);
        var recovery = await LoginAsync(practice.AdminEmail, recoveryCodes[0]);
        var recoveryAgain = await LoginAsync(practice.AdminEmail, recoveryCodes[0]);

        var problem = await withoutCode.AssertProblemAsync(401);
        Assert.True(problem.GetProperty("errors").TryGetProperty("totp", out _));
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
        await replayed.AssertProblemAsync(401);
        Assert.Equal(HttpStatusCode.OK, recovery.StatusCode);
        await recoveryAgain.AssertProblemAsync(401);
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_a_copy_in_another_row_does_not_decrypt()
    {
        var practice = await app.SignUpAsync();
        var (_, _, otherToken) = await app.AddUserAsync(practice, "clinician");
        var (totp, _) = await EnrolAsync(practice);
        var other = await (await app.As(otherToken).GetAsync("/api/v1/auth/me", Ct)).JsonAsync(HttpStatusCode.OK);

        await using var owner = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        var stored = await owner.ExecuteScalarAsync<string>("SELECT totp_secret FROM users WHERE id = @id", new { id = practice.AdminId });
        Assert.StartsWith("v1:t1:", stored, StringComparison.Ordinal);
        await owner.ExecuteAsync("UPDATE users SET totp_secret = @stored, totp_confirmed_at = now() WHERE id = @id",
            new { stored, id = other.GetProperty("userId").GetGuid() });

        var response = await LoginAsync(other.GetProperty("email").GetString()!, totp.ComputeTotp());

        await response.AssertProblemAsync(401);
    }

    [Fact]
    public async Task A_wrong_confirmation_code_is_a_400_and_leaves_two_factor_off()
    {
        var practice = await app.SignUpAsync();
        await (await app.AsAdmin(practice).PostAsync("/api/v1/auth/mfa/totp", null, Ct)).JsonAsync(HttpStatusCode.OK);

        var confirm = await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = "000000" }, Ct);

        await confirm.AssertProblemAsync(400);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(practice.AdminEmail, null)).StatusCode);
    }

    private async Task<(Totp Totp, string[] RecoveryCodes)> EnrolAsync(Practice practice)
    {
        var enrol = await (await app.AsAdmin(practice).PostAsync("/api/v1/auth/mfa/totp", null, Ct)).JsonAsync(HttpStatusCode.OK);
        var totp = new Totp(Base32Encoding.ToBytes(enrol.GetProperty("secret").GetString()));
        Assert.StartsWith("otpauth://totp/", enrol.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        var confirmed = await (await app.AsAdmin(practice).PostAsJsonAsync("/api/v1/auth/mfa/totp/confirm", new { code = totp.ComputeTotp() }, Ct)).JsonAsync(HttpStatusCode.OK);
        var codes = confirmed.GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Assert.Equal(10, codes.Length);
        return (totp, codes);
    }

    private Task<HttpResponseMessage> LoginAsync(string email, string? totp) =>
        app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email, password = Accounts.Password, totp }, Ct);
}
