using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Razor;

namespace ImaginAI.Tracker.Web;

/// <summary>
/// Finds a controller's views next to it: ImaginAI.Tracker.Photos.PhotosPagesController renders
/// /Photos/Views/{view}.cshtml, and every controller shares /Web/Views/Shared (layout, not-found page).
/// </summary>
public sealed class FeatureFolderViewLocations : IViewLocationExpander
{
    private const string FeatureKey = "feature";

    public void PopulateValues(ViewLocationExpanderContext context)
    {
        if (context.ActionContext.ActionDescriptor is ControllerActionDescriptor action)
            context.Values[FeatureKey] = FeatureFolderOf(action.ControllerTypeInfo.Namespace);
    }

    public IEnumerable<string> ExpandViewLocations(ViewLocationExpanderContext context, IEnumerable<string> viewLocations)
    {
        if (context.Values.TryGetValue(FeatureKey, out var feature) && !string.IsNullOrEmpty(feature))
            yield return $"/{feature}/Views/{{0}}.cshtml";
        yield return "/Web/Views/Shared/{0}.cshtml";
    }

    private static string FeatureFolderOf(string? controllerNamespace)
    {
        var root = typeof(FeatureFolderViewLocations).Namespace![..^".Web".Length];
        if (controllerNamespace is null || !controllerNamespace.StartsWith(root + ".", StringComparison.Ordinal))
            return "";
        return controllerNamespace[(root.Length + 1)..].Replace('.', '/');
    }
}
