using System.Text.RegularExpressions;
using Slices.Api.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Slices.Api.Tests.Platform;

/// <summary>Docker cannot run here, so the deploy files are checked for what would break a deploy.</summary>
public sealed class DeployFilesTests
{
    private static readonly string Root = AppProcess.RepositoryRoot;

    [Fact]
    public async Task The_app_spec_sets_every_variable_production_requires_on_every_component()
    {
        var spec = LoadAppSpec();
        var required = await ConfigurationTests.RequiredInProductionAsync();
        Assert.Contains("DATABASE_URL", required);

        var components = new[] { "services", "workers", "jobs" }.SelectMany(kind => Sequence(spec, kind)).ToList();
        Assert.Equal(3, components.Count);
        foreach (var component in components)
        {
            var envs = Sequence(component, "envs").ToDictionary(e => Scalar(e, "key"), e => e);
            foreach (var name in required)
            {
                var pattern = "^" + Regex.Replace(Regex.Escape(name), "<[a-z]+>", "[A-Za-z0-9_-]+") + "$";
                Assert.True(envs.Keys.Any(k => Regex.IsMatch(k, pattern)), $"{Scalar(component, "name")} does not set {name}");
            }
            Assert.Equal("Production", Scalar(envs["ASPNETCORE_ENVIRONMENT"], "value"));
            Assert.Equal("SECRET", Scalar(envs["MIGRATIONS_DATABASE_URL"], "type"));
        }
    }

    [Fact]
    public void The_api_probes_and_termination_fit_the_apps_shutdown()
    {
        var api = Sequence(LoadAppSpec(), "services").Single();
        var health = (YamlMappingNode)api.Children[new YamlScalarNode("health_check")];
        var liveness = (YamlMappingNode)api.Children[new YamlScalarNode("liveness_health_check")];
        var termination = (YamlMappingNode)api.Children[new YamlScalarNode("termination")];

        Assert.Equal("/healthz/ready", Scalar(health, "http_path"));
        Assert.Equal("/healthz/live", Scalar(liveness, "http_path"));
        foreach (var probe in new[] { health, liveness })
            foreach (var field in new[] { "initial_delay_seconds", "period_seconds", "timeout_seconds", "success_threshold", "failure_threshold", "port" })
                Assert.True(probe.Children.ContainsKey(new YamlScalarNode(field)), $"probe field {field} is not set");

        // The platform drains the load balancer, then sends SIGTERM; the app drains again and finishes in-flight work.
        var shutdown = new Slices.Api.Platform.Lifecycle.ShutdownOptions();
        Assert.True(int.Parse(Scalar(termination, "drain_seconds")) >= 1);
        Assert.True(int.Parse(Scalar(termination, "grace_period_seconds")) > shutdown.Total.TotalSeconds + 10);
    }

    [Fact]
    public void The_dockerfile_is_multi_stage_runs_as_non_root_and_checks_liveness()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.True(Regex.Matches(dockerfile, @"^FROM ", RegexOptions.Multiline).Count >= 2);
        var user = Regex.Matches(dockerfile, @"^USER (\S+)", RegexOptions.Multiline).Last().Groups[1].Value;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Matches(@"HEALTHCHECK .*?/healthz/live", dockerfile.Replace("\\\n", " ", StringComparison.Ordinal));
    }

    private static YamlMappingNode LoadAppSpec()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, ".do", "app.yaml"))));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    private static IEnumerable<YamlMappingNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlSequenceNode)value).Children.Cast<YamlMappingNode>() : [];

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";
}
