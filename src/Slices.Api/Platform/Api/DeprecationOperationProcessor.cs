using System.Globalization;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;

namespace Slices.Api.Platform.Api;

/// <summary>Marks deprecated endpoint versions in the OpenAPI document, with the sunset date where one is set.</summary>
internal sealed class DeprecationOperationProcessor(ApiOptions options) : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        var description = context.OperationDescription;
        if (options.Find(description.Method.ToUpperInvariant(), description.Path) is not { } deprecation) return true;

        var operation = description.Operation;
        operation.IsDeprecated = true;
        var note = $"Deprecated since {deprecation.Since:yyyy-MM-dd}" +
                   (deprecation.Sunset is { } sunset ? $"; removed after {sunset.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (see the Sunset header)" : "") +
                   (deprecation.Link is { } link ? $". Migration notes: {link}" : ".");
        operation.Description = string.IsNullOrEmpty(operation.Description) ? note : $"{operation.Description}\n\n{note}";
        if (deprecation.Sunset is { } s) operation.ExtensionData = new Dictionary<string, object?> { ["x-sunset"] = s.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        return true;
    }
}
