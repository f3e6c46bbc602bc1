using System.Globalization;
using System.Net;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

// The metrics tests' app (a scrape token), an instance of its own.
public sealed class SharedCommitTests(MetricsTests.App app) : IClassFixture<MetricsTests.App>
{
    [Fact]
    public async Task Bookings_that_arrive_together_in_one_practice_share_commits_and_the_scrape_says_how_many()
    {
        var clinic = await Clinic.OpenAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => clinic.BookAsync(Clinic.Slot(9, 15 * i), 15)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var text = await Eventually.ValueAsync(() => MetricsTests.ScrapeAsync(app),
            t => t.Contains("slices_shared_commit_changes_sum", StringComparison.Ordinal), "shared commits are measured");
        var sum = text.Split('\n').Single(l => l.StartsWith("slices_shared_commit_changes_sum", StringComparison.Ordinal));
        Assert.True(double.Parse(sum.Split(' ')[^1], CultureInfo.InvariantCulture) >= 2, sum);
    }
}
