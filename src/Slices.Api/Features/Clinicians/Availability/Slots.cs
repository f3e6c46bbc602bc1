namespace Slices.Api.Features.Clinicians.Availability;

/// <summary>Free slots: each working-hours block of each local day, cut into back-to-back slots, minus anything busy.</summary>
public static class Slots
{
    public static IReadOnlyList<Slot> Free(TimeZoneInfo zone, IReadOnlyList<WorkingHours> hours, IReadOnlyList<Busy> busy,
        DateTimeOffset from, DateTimeOffset to, TimeSpan duration)
    {
        var slots = new List<Slot>();
        var firstDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        var lastDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to, zone).DateTime);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var weekday = (int)day.DayOfWeek is 0 ? 7 : (int)day.DayOfWeek;
            foreach (var block in hours.Where(h => h.Weekday == weekday))
            {
                if (ToUtc(zone, day, block.Starts) is not { } start || ToUtc(zone, day, block.Ends) is not { } end) continue;
                for (var s = start; s + duration <= end; s += duration)
                {
                    var e = s + duration;
                    if (s >= from && e <= to && !busy.Any(b => b.StartsAt < e && s < b.EndsAt)) slots.Add(new Slot(s, e));
                }
            }
        }
        return slots;
    }

    // A local time that does not exist (the hour skipped when clocks go forward) starts no slot.
    private static DateTimeOffset? ToUtc(TimeZoneInfo zone, DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        return zone.IsInvalidTime(local) ? null : new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
