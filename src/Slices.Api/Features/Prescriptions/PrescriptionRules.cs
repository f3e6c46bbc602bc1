using FluentValidation;

namespace Slices.Api.Features.Prescriptions;

public static class PrescriptionRules
{
    public static readonly IReadOnlySet<string> Routes = new HashSet<string>(StringComparer.Ordinal)
    {
        "oral", "sublingual", "topical", "inhaled", "intravenous", "intramuscular", "subcutaneous", "rectal", "other",
    };

    public static IRuleBuilderOptions<T, string?> Text<T>(this IRuleBuilder<T, string?> rule, int max) => rule.NotEmpty().MaximumLength(max);

    public static IRuleBuilderOptions<T, string?> Route<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => r is null || Routes.Contains(r)).WithMessage($"Route is one of: {string.Join(", ", Routes)}.");

    public static IRuleBuilderOptions<T, decimal?> Quantity<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.Must(q => q is null || (q > 0 && q < 100_000_000 && decimal.Round(q.Value, 2) == q)).WithMessage("Quantity is above 0, with at most 2 decimals.");

    public static IRuleBuilderOptions<T, int?> Refills<T>(this IRuleBuilder<T, int?> rule) =>
        rule.Must(r => r is null or >= 0 and <= 12).WithMessage("Refills are 0 to 12.");
}
