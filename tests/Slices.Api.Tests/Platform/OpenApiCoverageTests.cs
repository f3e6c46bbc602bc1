using System.Net.Http.Json;
using System.Text.Json;
using Slices.Api.Tests.Infrastructure;

namespace Slices.Api.Tests.Platform;

/// <summary>Every operation in the v1 document is documented the way an integrator needs it.</summary>
public sealed class OpenApiCoverageTests(SlicesApp app) : IClassFixture<SlicesApp>
{
    [Fact]
    public async Task Every_operation_has_a_summary_a_description_its_statuses_and_examples()
    {
        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var gaps = new List<string>();
        var checkedOperations = 0;

        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => !p.Name.Contains("test-probes", StringComparison.Ordinal)))
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var op = operation.Value;
                checkedOperations++;
                if (string.IsNullOrWhiteSpace(op.TryGetProperty("summary", out var s) ? s.GetString() : null)) gaps.Add($"{name}: no summary");
                if (string.IsNullOrWhiteSpace(op.TryGetProperty("description", out var d) ? d.GetString() : null)) gaps.Add($"{name}: no description");
                var responses = op.GetProperty("responses").EnumerateObject().ToList();
                if (!responses.Any(r => r.Name.StartsWith('2'))) gaps.Add($"{name}: no success status");
                if (op.TryGetProperty("security", out _) && !responses.Any(r => r.Name == "401")) gaps.Add($"{name}: needs auth but lists no 401");
                foreach (var response in responses.Where(r => r.Name.StartsWith('2') && r.Value.TryGetProperty("content", out _)))
                    if (!response.Value.GetProperty("content").EnumerateObject().Any(c => c.Value.TryGetProperty("example", out _)))
                        gaps.Add($"{name}: {response.Name} has no example");
                if (op.TryGetProperty("requestBody", out var body) && !body.GetProperty("content").EnumerateObject().Any(c => c.Value.TryGetProperty("example", out _)))
                    gaps.Add($"{name}: request body has no example");
            }

        Assert.Empty(gaps);
        Assert.True(checkedOperations >= 45, $"only {checkedOperations} operations in the document");
    }
}
