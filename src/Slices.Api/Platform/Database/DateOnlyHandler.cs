using System.Data;
using Dapper;

namespace Slices.Api.Platform.Database;

/// <summary>PostgreSQL date as DateOnly (Npgsql reads it as DateTime by default), records included.</summary>
internal sealed class DateOnlyHandler : SqlMapper.TypeHandler<DateOnly>
{
    public override DateOnly Parse(object value) => value switch
    {
        DateTime date => DateOnly.FromDateTime(date),
        DateOnly date => date,
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a date"),
    };

    public override void SetValue(IDbDataParameter parameter, DateOnly value)
    {
        parameter.DbType = DbType.Date;
        parameter.Value = value;
    }
}
