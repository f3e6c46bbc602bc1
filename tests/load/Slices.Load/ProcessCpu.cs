using System.Globalization;

namespace Slices.Load;

/// <summary>CPU time a process has used (user + system), from /proc: the cost of a run divided by its requests.</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Used(int? pid) =>
        pid is { } id && Fields(id) is { } fields ? Ticks(fields, 11, 12) : null;

    /// <summary>
    /// A process with its children, such as PostgreSQL's postmaster and its backends: the live children's time plus
    /// what the ones that ended left in the parent's cutime and cstime.
    /// </summary>
    public static TimeSpan? UsedWithChildren(int? pid)
    {
        if (pid is not { } id || Fields(id) is not { } own) return null;
        var total = Ticks(own, 11, 12) + Ticks(own, 13, 14);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var child) || Fields(child) is not { } fields) continue;
            if (fields[1] == id.ToString(CultureInfo.InvariantCulture)) total += Ticks(fields, 11, 12);
        }
        return total;
    }

    // The fields after "pid (comm) ": 0 is the state, 1 the parent, 11 and 12 utime and stime, 13 and 14 the children's.
    private static string[]? Fields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null; // gone meanwhile
        }
    }

    private static TimeSpan Ticks(string[] fields, int user, int system) =>
        TimeSpan.FromSeconds((long.Parse(fields[user], CultureInfo.InvariantCulture) + long.Parse(fields[system], CultureInfo.InvariantCulture)) / TicksPerSecond);
}
