using System.Data;
using Dapper;

namespace Slices.Api.Platform.Database;

/// <summary>
/// Npgsql reads timestamptz as a UTC DateTime and writes only UTC DateTimeOffsets; this lets slices use
/// DateTimeOffset everywhere (records included: Dapper matches constructor parameters of a handled type).
/// </summary>
internal sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override DateTimeOffset Parse(object value) => value switch
    {
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => throw new DataException($"Cannot read {value.GetType().Name} as a timestamp"),
    };

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => parameter.Value = value.ToUniversalTime();
}
