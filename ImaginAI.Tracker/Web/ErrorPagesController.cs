using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Web;

public sealed class ErrorPagesController : Controller
{
    [HttpGet(PagesModule.NotFoundPath)]
    public IActionResult PageNotFound() => this.NotFoundPage("This page does not exist",
        "The link may be old, or the address mistyped.");
}
