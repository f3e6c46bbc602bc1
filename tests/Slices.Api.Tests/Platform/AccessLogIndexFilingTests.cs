using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>A page read files its patients in a GIN pending list; a background worker files the list into the index.</summary>
public sealed class AccessLogIndexFilingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public async Task The_worker_files_a_page_reads_pending_index_entries_and_with_it_off_they_wait(string seconds, bool filed)
    {
        await using var app = await SlicesApp.StartAsync(s => s["Audit:IndexFilingSeconds"] = seconds);
        var admin = app.AsAdmin(await app.SignUpAsync());
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/patients", new { givenName = $"Ana{i}", familyName = "Silva", dateOfBirth = "1990-01-01" }, Ct)).StatusCode);
        await using var db = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));
        await db.ExecuteAsync("CREATE EXTENSION IF NOT EXISTS pgstattuple");
        Task<long> PendingAsync() => db.QuerySingleAsync<long>("SELECT pending_tuples FROM pgstatginindex('phi_access_log_patients_by_patient')");

        var page = await (await admin.GetAsync("/api/v1/patients?limit=3", Ct)).JsonAsync(HttpStatusCode.OK);

        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        if (filed)
        {
            await Eventually.ValueAsync(PendingAsync, n => n == 0, "the pending list filed");
        }
        else
        {
            await Task.Delay(2500, Ct);
            Assert.True(await PendingAsync() > 0, "the page's three patients still wait in the pending list");
        }
    }
}
