using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Web;

public sealed record NotFoundPageModel(string Title, string Explanation);

public static class NotFoundPageResults
{
    /// <summary>A friendly 404 page, for unknown project or photo ids and unknown addresses.</summary>
    public static IActionResult NotFoundPage(this Controller controller, string title, string explanation)
    {
        var view = controller.View("NotFound", new NotFoundPageModel(title, explanation));
        view.StatusCode = StatusCodes.Status404NotFound;
        return view;
    }

    public static IActionResult ProjectNotFound(this Controller controller) => controller.NotFoundPage(
        "This project does not exist", "It may have been removed, or the link is incomplete. All projects are listed on the start page.");
}
