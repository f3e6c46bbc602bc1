using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Slices.Api.Platform.Development;

/// <summary>
/// Development only: once the API listens, a demo practice is created through the API itself (the same code paths a
/// client uses): two clinicians, twenty patients and a week of appointments. The demo login is printed at every start.
/// </summary>
internal sealed class DemoData(IServer server, IHostApplicationLifetime lifetime, ILogger<DemoData> logger) : IHostedService
{
    public const string Email = "demo.admin@slices.example";
    public const string Password = "demo password for local use";
    private static readonly string[] Families = ["Santos", "Okafor", "Nguyen", "Kowalski", "Haddad", "Murphy", "Tanaka", "Silva", "Novak", "Ahmed"];
    private static readonly string[] Givens = ["Maria", "Chidi", "Linh", "Piotr", "Layla", "Sean", "Yuki", "Ana", "Jana", "Omar"];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(() => SeedAsync(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync(CancellationToken ct)
    {
        try
        {
            var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("+", "localhost", StringComparison.Ordinal).Replace("[::]", "localhost", StringComparison.Ordinal);
            using var api = new HttpClient { BaseAddress = new Uri(address) };
            if (!await SignInAsync(api, ct))
            {
                (await api.PostAsJsonAsync("/api/v1/practices", new { practiceName = "Harbour Family Clinic (demo)", adminName = "Demo Admin", adminEmail = Email, adminPassword = Password }, ct)).EnsureSuccessStatusCode();
                await SignInAsync(api, ct);
                await FillAsync(api, ct);
            }
            logger.LogInformation("Demo practice ready. Sign in with {Email} / {Password} (Development only)", Email, Password);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException)
        {
            logger.LogWarning("Could not create the demo practice: {Error}", e.Message);
        }
    }

    private static async Task<bool> SignInAsync(HttpClient api, CancellationToken ct)
    {
        var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = Email, password = Password }, ct);
        if (!login.IsSuccessStatusCode) return false;
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return true;
    }

    private static async Task FillAsync(HttpClient api, CancellationToken ct)
    {
        var weekdays = Enumerable.Range(1, 5).Select(d => new { weekday = d, starts = "09:00:00", ends = "17:00:00" }).ToArray();
        var clinicians = new List<Guid>();
        foreach (var name in new[] { "Dr Amina Osei", "Dr Lucas Meyer" })
            clinicians.Add(await CreateAsync(api, "/api/v1/clinicians", new { name, timeZone = "Europe/London", specialty = "General practice", workingHours = weekdays }, ct));

        var patients = new List<Guid>();
        for (var i = 0; i < 20; i++)
            patients.Add(await CreateAsync(api, "/api/v1/patients", new
            {
                givenName = Givens[i % 10], familyName = Families[(i * 3) % 10], dateOfBirth = new DateOnly(1950 + i * 3 % 60, 1 + i % 12, 1 + i % 28),
                sex = i % 2 == 0 ? "female" : "male", phone = $"+4477009{i:00000}", email = $"patient{i}@example.com", mrn = $"HFC-{1000 + i}",
            }, ct));

        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(1);
        for (var n = 0; n < 7; n++, day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            for (var slot = 0; slot < 6; slot++)
                for (var c = 0; c < clinicians.Count; c++)
                {
                    var local = day.ToDateTime(new TimeOnly(9 + slot, 0));
                    var startsAt = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, london), TimeSpan.Zero);
                    await api.PostAsJsonAsync("/api/v1/appointments", new
                    {
                        patientId = patients[(n * 12 + slot * 2 + c) % patients.Count], clinicianId = clinicians[c],
                        startsAt, endsAt = startsAt.AddMinutes(30), reason = "Routine review",
                    }, ct);
                }
        }
    }

    private static async Task<Guid> CreateAsync(HttpClient api, string path, object body, CancellationToken ct)
    {
        var response = await api.PostAsJsonAsync(path, body, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }
}
