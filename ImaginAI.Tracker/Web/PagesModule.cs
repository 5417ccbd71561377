using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.Razor;

namespace ImaginAI.Tracker.Web;

/// <summary>The server-rendered pages: MVC controllers and Razor views kept inside their feature folders.</summary>
public static class PagesModule
{
    public const string NotFoundPath = "/not-found";

    public static IServiceCollection AddTrackerPages(this IServiceCollection services)
    {
        services.AddControllersWithViews();
        services.Configure<RazorViewEngineOptions>(options =>
            options.ViewLocationExpanders.Add(new FeatureFolderViewLocations()));
        return services;
    }

    public static WebApplication MapTrackerPages(this WebApplication app)
    {
        // A person who follows a stale link gets a page that says so; API and hub clients keep their problem+json.
        app.UseStatusCodePagesWithReExecute(NotFoundPath);
        app.Use((context, next) =>
        {
            if (!IsPageRequest(context) && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
                statusCodePages.Enabled = false;
            return next(context);
        });
        app.MapControllers();
        return app;
    }

    private static bool IsPageRequest(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method)
        && !context.Request.Path.StartsWithSegments("/api")
        && !context.Request.Path.StartsWithSegments("/hubs");
}
