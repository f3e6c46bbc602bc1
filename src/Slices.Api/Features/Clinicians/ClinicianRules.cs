using FluentValidation;

namespace Slices.Api.Features.Clinicians;

public static class ClinicianRules
{
    public static bool IsTimeZone(string? id) => id is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    public static IRuleBuilderOptions<T, string?> TimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(IsTimeZone).WithMessage("An IANA time zone, for example Europe/London or America/New_York.");

    public static IRuleBuilderOptions<T, IReadOnlyList<WorkingHours>?> Hours<T>(this IRuleBuilder<T, IReadOnlyList<WorkingHours>?> rule) =>
        rule.Must(h => h is null || (h.Count <= 28 && h.All(x => x.Weekday is >= 1 and <= 7 && x.Ends > x.Starts) && !Overlaps(h)))
            .WithMessage("Each entry has weekday 1 (Monday) to 7, and ends after it starts; entries of one day do not overlap.");

    private static bool Overlaps(IReadOnlyList<WorkingHours> hours) =>
        hours.GroupBy(h => h.Weekday).Any(day => day.OrderBy(h => h.Starts).Zip(day.OrderBy(h => h.Starts).Skip(1)).Any(p => p.Second.Starts < p.First.Ends));
}
