using System.Globalization;

namespace Slices.Load;

/// <summary>CPU time a process has used (user + system), from /proc: the cost of a run divided by its requests.</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Used(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat")) return null;
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", field 3 is state: utime and stime are fields 14 and 15 overall, 12 and 13 here (0-based 11, 12).
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
