using ImaginAI.Tracker.Data;
using Npgsql;
using Quartz;

namespace ImaginAI.Tracker.Scheduling;

/// <summary>Where a recurring job runs when several nodes share one PostgreSQL database.</summary>
public enum JobScope
{
    /// <summary>On every node, on the photos each node claims (embedding, matching, webhook sending).</summary>
    Node,

    /// <summary>On one node of the cluster at a time (scheduled maintenance: sweeps and clean-ups).</summary>
    Cluster,
}

/// <summary>
/// Two Quartz schedulers: the node's own (in memory) for the jobs every node runs, and the cluster's for scheduled
/// maintenance. With Database:Provider = postgres the cluster's keeps its triggers in Quartz's tables on PostgreSQL
/// (db/postgres/0171) with clustering on, so each firing runs on exactly one node; with SQLite there is one node
/// and it keeps them in memory too.
/// </summary>
public static class SchedulingModule
{
    public const string ClusterScheduler = "cluster";

    public static IServiceCollection AddTrackerScheduler(this IServiceCollection services)
    {
        if (services.Any(s => s.ServiceType == typeof(JobWaker))) return services;
        services.AddQuartz(_ => { });
        // On shutdown a running batch finishes and commits; nothing is left half-done.
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        services.AddSingleton<JobWaker>();
        services.AddSingleton<BackgroundCpu>();
        return services;
    }

    /// <summary>The cluster's scheduler, for <see cref="JobScope.Cluster"/> jobs (call once, with the app's configuration).</summary>
    public static IServiceCollection AddClusterScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTrackerScheduler();
        var postgres = string.Equals(configuration[$"{DatabaseOptions.Section}:Provider"], DatabaseOptions.Postgres, StringComparison.OrdinalIgnoreCase);
        var connectionString = DatabaseOptions.ConnectionStringFrom(configuration);
        services.AddQuartz(ClusterScheduler, q =>
        {
            // Where each maintenance run went (maintenance_runs), with either provider.
            q.AddJobListener<MaintenanceRunRecorder>(GroupMatcher<JobKey>.AnyGroup());
            if (!postgres || string.IsNullOrWhiteSpace(connectionString)) return;
            q.UsePersistentStore(store =>
            {
                store.UsePostgres(NpgsqlFactory.Instance, connectionString);
                store.UseSystemTextJsonSerializer();
                // A node that stops checking in for 20 s is taken for dead and its firings recovered by another.
                store.UseClustering(c =>
                {
                    c.CheckinInterval = TimeSpan.FromSeconds(5);
                    c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                });
            });
        });
        return services;
    }

    /// <summary>A job that runs from start-up every interval (read from the options when the scheduler starts) and can be woken at once through <see cref="JobWaker"/>.</summary>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, JobKey key, Func<IServiceProvider, TimeSpan> interval,
        JobScope scope = JobScope.Node) where TJob : IJob
    {
        services.AddTrackerScheduler();
        var scheduler = scope == JobScope.Cluster ? ClusterScheduler : "";
        services.ConfigureAllQuartzSchedulers(q =>
        {
            if (q.SchedulerName != scheduler) return;
            q.AddJob<TJob>(j => j.WithIdentity(key).StoreDurably().DisallowConcurrentExecution());
            q.AddTrigger<TJob>((sp, t) => t.ForJob(key)
                .WithIdentity(key.Name + "-every")
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval(sp)).RepeatForever()
                    .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        return services;
    }
}

/// <summary>Runs a job now (after the running one, for jobs that disallow concurrent runs).</summary>
public sealed class JobWaker(ISchedulerFactory schedulers, ILogger<JobWaker> logger)
{
    public async Task WakeAsync(JobKey key)
    {
        try
        {
            // The node's own scheduler or the cluster's (JobScope): whichever holds the job.
            foreach (var scheduler in await schedulers.GetAllSchedulers())
                if (scheduler.Status is SchedulerStatus.Running && await scheduler.GetJobDetail(key) is not null)
                {
                    await scheduler.TriggerJob(key);
                    return;
                }
        }
        catch (SchedulerException e)
        {
            // The periodic trigger picks the work up anyway.
            logger.LogDebug(e, "Could not wake job {Job}", key);
        }
    }
}
