using FluentValidation;

namespace Slices.Api.Features.Patients;

/// <summary>The field rules that creating and changing a patient share.</summary>
public static class PatientRules
{
    public static readonly IReadOnlySet<string> Sexes = new HashSet<string>(StringComparer.Ordinal) { "female", "male", "other", "unknown" };

    public static IRuleBuilderOptions<T, string?> Name<T>(this IRuleBuilder<T, string?> rule) => rule.NotEmpty().MaximumLength(100);

    public static IRuleBuilderOptions<T, string?> Mrn<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(40).Matches("^[A-Za-z0-9._-]+$").WithMessage("A medical record number is up to 40 letters, digits, '.', '_' or '-'.");

    public static IRuleBuilderOptions<T, DateOnly?> BirthDate<T>(this IRuleBuilder<T, DateOnly?> rule) =>
        rule.Must(d => d is null || (d >= new DateOnly(1880, 1, 1) && d <= DateOnly.FromDateTime(DateTime.UtcNow)))
            .WithMessage("The date of birth must be a real date, not in the future.");

    public static IRuleBuilderOptions<T, string?> Sex<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || Sexes.Contains(s)).WithMessage("Sex is female, male, other or unknown.");

    public static IRuleBuilderOptions<T, string?> Phone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Matches(@"^\+[1-9][0-9]{6,14}$").WithMessage("The phone number is E.164: + then 7 to 15 digits, for example +447700900123.");

    public static IRuleBuilderOptions<T, string?> Email<T>(this IRuleBuilder<T, string?> rule) => rule.MaximumLength(254).EmailAddress();
}
