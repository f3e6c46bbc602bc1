using System.Net;
using Dapper;
using Npgsql;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

public sealed class AccessLogWriterTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Concurrent_cached_reads_in_two_practices_each_log_their_own_row_under_their_own_practice()
    {
        var a = await Clinic.OpenAsync(app);
        var b = await Clinic.OpenAsync(app);
        var (readerA, readerB) = (await app.AddUserAsync(a.Practice, "clinician"), await app.AddUserAsync(b.Practice, "clinician"));
        foreach (var clinic in new[] { a, b }) // loads the cache (that read logs in its own statement)
            await (await clinic.Admin.GetAsync($"/api/v1/patients/{clinic.PatientId}", Ct)).JsonAsync(HttpStatusCode.OK);

        // Reads of both practices at once: their log rows share writes, each under its own practice and reader.
        var reads = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => i % 2 == 0
            ? app.As(readerA.AccessToken).GetAsync($"/api/v1/patients/{a.PatientId}", Ct)
            : app.As(readerB.AccessToken).GetAsync($"/api/v1/patients/{b.PatientId}", Ct)));

        Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Contains(reads, r => r.Headers.TryGetValues("Cache-Status", out var status) && status.Single().Contains("hit", StringComparison.Ordinal));
        foreach (var (clinic, reader, own) in new[] { (a, readerA, reads.Where((_, i) => i % 2 == 0)), (b, readerB, reads.Where((_, i) => i % 2 == 1)) })
        {
            var log = await (await clinic.Admin.GetAsync($"/api/v1/audit/access?patientId={clinic.PatientId}&limit=100", Ct)).JsonAsync(HttpStatusCode.OK);
            var byReader = log.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("actorId").GetGuid() == reader.Id).ToList();
            Assert.Equal(own.Select(r => r.Headers.GetValues("X-Request-ID").Single()).Order(), byReader.Select(e => e.GetProperty("requestId").GetString()).Order());
            Assert.All(byReader, e => Assert.Equal([clinic.PatientId], e.GetProperty("resourceIds").EnumerateArray().Select(id => id.GetGuid())));
        }
    }

    [Fact]
    public async Task A_cached_read_whose_log_row_cannot_be_written_shows_nothing()
    {
        var clinic = await Clinic.OpenAsync(app);
        var path = $"/api/v1/patients/{clinic.PatientId}";
        await (await clinic.Admin.GetAsync(path, Ct)).JsonAsync(HttpStatusCode.OK); // now in the cache
        await using var admin = new NpgsqlConnection(TestStack.AdminConnectionStringFor(app.Database));

        HttpResponseMessage refused;
        await admin.ExecuteAsync("REVOKE INSERT ON phi_access_log FROM slices_app");
        try
        {
            refused = await clinic.Admin.GetAsync(path, Ct);
        }
        finally
        {
            await admin.ExecuteAsync("GRANT INSERT ON phi_access_log TO slices_app");
        }

        Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
        Assert.DoesNotContain("Santos", await refused.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await (await clinic.Admin.GetAsync(path, Ct)).JsonAsync(HttpStatusCode.OK);
    }
}
