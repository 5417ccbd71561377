namespace ImaginAI.Tracker.Data;

public static class DataModule
{
    public static IServiceCollection AddTrackerData(this IServiceCollection services, IConfiguration configuration)
    {
        SqliteTypeHandlers.Register();
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Storage:DataDirectory must name a folder.")
            .Validate(o => o.MaxUploadBytes > 0, "Storage:MaxUploadBytes must be positive.")
            .Validate(o => o.MaxFilesPerRequest > 0, "Storage:MaxFilesPerRequest must be positive.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TrackerDb>();
        // Registered first so the schema exists before the scheduler and the server start.
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
