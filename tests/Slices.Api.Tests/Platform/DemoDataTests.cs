using System.Net;
using System.Net.Http.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class DemoDataTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task In_development_a_demo_practice_with_a_week_of_appointments_is_created_through_the_api()
    {
        await using var app = await SlicesApp.StartAsync(s => s["environment"] = "Development");

        HttpResponseMessage? login = null;
        for (var i = 0; i < 100 && login?.StatusCode != HttpStatusCode.OK; i++)
        {
            await Task.Delay(100, Ct);
            login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Slices.Api.Platform.Development.DemoData.Email, password = Slices.Api.Platform.Development.DemoData.Password }, Ct);
        }
        var token = (await login!.JsonAsync(HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
        await WaitForAsync(() => app.Logs.Events.Any(e => e.MessageTemplate.Text.StartsWith("Demo practice ready", StringComparison.Ordinal)));

        var clinicians = await (await app.As(token).GetAsync("/api/v1/clinicians", Ct)).JsonAsync(HttpStatusCode.OK);
        var patients = await (await app.As(token).GetAsync("/api/v1/patients?limit=200", Ct)).JsonAsync(HttpStatusCode.OK);
        var appointments = await (await app.As(token).GetAsync("/api/v1/appointments?limit=200", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(2, clinicians.GetProperty("items").GetArrayLength());
        Assert.Equal(20, patients.GetProperty("items").GetArrayLength());
        Assert.Equal(60, appointments.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Outside_development_there_is_no_demo_practice()
    {
        await using var app = await SlicesApp.StartAsync(_ => { });
        await Task.Delay(500, Ct);

        var login = await app.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = Slices.Api.Platform.Development.DemoData.Email, password = Slices.Api.Platform.Development.DemoData.Password }, Ct);

        await login.AssertProblemAsync(401);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++) await Task.Delay(100, Ct);
        Assert.True(condition());
    }
}
