using ImaginAI.Tracker.Projects;
using ImaginAI.Tracker.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace ImaginAI.Tracker.Webhooks;

public sealed record WebhooksPage(
    long ProjectId, string ProjectName, IReadOnlyList<(WebhookJson Webhook, IReadOnlyList<WebhookDeliveryJson> Deliveries)> Webhooks,
    CreatedWebhookJson? Created, string? Message, string? Error);

/// <summary>A project's managers: its webhooks, their recent deliveries, and redelivery.</summary>
[Route("projects/{projectId:long}/webhooks"), Authorize(Policy = Policies.ProjectManager)]
public sealed class WebhooksPagesController(WebhookService webhooks, ProjectRepository projects) : Controller
{
    private const string PageView = "~/Webhooks/Views/Webhooks.cshtml";
    private const int DeliveriesShown = 10;

    [HttpGet("")]
    public Task<IActionResult> Index(long projectId) => PageAsync(projectId, null, null, null);

    [HttpPost("")]
    public async Task<IActionResult> Create(long projectId, string? url, string[]? events, CancellationToken cancellationToken)
    {
        var (created, error) = await webhooks.CreateAsync(projectId, new CreateWebhookRequest(url, events), User.Identity?.Name, cancellationToken);
        return created is null
            ? await PageAsync(projectId, null, null, error, StatusCodes.Status400BadRequest)
            : await PageAsync(projectId, created, "Webhook added. Copy its secret now: it is not shown again.", null);
    }

    [HttpPost("{webhookId:long}/delete")]
    public async Task<IActionResult> Delete(long projectId, long webhookId) =>
        await webhooks.DeleteAsync(projectId, webhookId)
            ? await PageAsync(projectId, null, "Webhook removed; nothing more is sent to it.", null)
            : await PageAsync(projectId, null, null, "This project has no such webhook.", StatusCodes.Status404NotFound);

    [HttpPost("{webhookId:long}/deliveries/{deliveryId:long}/redeliver")]
    public async Task<IActionResult> Redeliver(long projectId, long webhookId, long deliveryId) =>
        await webhooks.RedeliverAsync(projectId, webhookId, deliveryId)
            ? await PageAsync(projectId, null, "The delivery is sent again.", null)
            : await PageAsync(projectId, null, null, "This webhook has no such delivery.", StatusCodes.Status404NotFound);

    private async Task<IActionResult> PageAsync(long projectId, CreatedWebhookJson? created, string? message, string? error, int status = StatusCodes.Status200OK)
    {
        if (await projects.GetByIdAsync(projectId) is not { } project) return NotFound();
        var list = new List<(WebhookJson, IReadOnlyList<WebhookDeliveryJson>)>();
        foreach (var webhook in await webhooks.GetManyAsync(projectId))
            list.Add((webhook, (await webhooks.GetDeliveriesAsync(projectId, webhook.Id, DeliveriesShown))!));
        Response.StatusCode = status;
        return View(PageView, new WebhooksPage(projectId, project.Name, list, created, message, error));
    }
}
