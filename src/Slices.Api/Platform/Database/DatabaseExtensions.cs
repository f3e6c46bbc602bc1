using Dapper;
using Npgsql;
using Slices.Api.Platform.Config;

namespace Slices.Api.Platform.Database;

public static class DatabaseExtensions
{
    public static void AddDatabase(this WebApplicationBuilder builder)
    {
        builder.AddSettings<DatabaseOptions>(DatabaseOptions.Section, DatabaseOptions.ApplyAliases);
        ConfigureDapper();
        builder.Services.AddSingleton(sp =>
        {
            var source = new NpgsqlDataSourceBuilder(sp.GetRequiredService<DatabaseOptions>().AppConnection().ConnectionString)
            {
                Name = "slices", // the pool's name in metrics and traces, instead of its connection string
            };
            return source.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>()).Build();
        });
        builder.Services.AddSingleton<Db>();
        builder.Services.AddSingleton<Audit.AccessLogWriter>();
    }

    /// <summary>How Dapper maps this schema: snake_case columns, timestamptz, date and time values.</summary>
    public static void ConfigureDapper()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
        SqlMapper.AddTypeHandler(new DateOnlyHandler());
        SqlMapper.AddTypeHandler(new TimeOnlyHandler());
    }
}
