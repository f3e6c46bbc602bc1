using System.Data;
using Dapper;

namespace Slices.Api.Platform.Database;

/// <summary>PostgreSQL time as TimeOnly (Npgsql reads it as TimeSpan, which it would write back as an interval).</summary>
internal sealed class TimeOnlyHandler : SqlMapper.TypeHandler<TimeOnly>
{
    public override TimeOnly Parse(object value) => value switch
    {
        TimeSpan time => TimeOnly.FromTimeSpan(time),
        TimeOnly time => time,
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a time of day"),
    };

    public override void SetValue(IDbDataParameter parameter, TimeOnly value)
    {
        parameter.DbType = DbType.Time;
        parameter.Value = value;
    }
}
