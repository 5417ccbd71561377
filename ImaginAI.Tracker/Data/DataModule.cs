namespace ImaginAI.Tracker.Data;

public static class DataModule
{
    public static IServiceCollection AddTrackerData(this IServiceCollection services, IConfiguration configuration)
    {
        SqliteTypeHandlers.Register();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section)
            .Configure<IConfiguration>((options, config) => options.PostgresConnectionString ??= DatabaseOptions.ConnectionStringFrom(config))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TrackerDb>();
        services.AddSingleton<WorkClaims>();
        services.AddSingleton<MaintenanceLock>();
        // Registered first so the schema exists before the scheduler and the server start.
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
