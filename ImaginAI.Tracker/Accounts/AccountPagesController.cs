using ImaginAI.Tracker.Security;
using ImaginAI.Tracker.Timeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace ImaginAI.Tracker.Accounts;

public sealed record LoginForm(string? Email, string? Password, bool RememberMe, string? ReturnUrl);

public sealed record LoginPage(string? Email, string? ReturnUrl, string? Error);

public sealed record SetupPage(string? Email, string? Error, int MinPasswordLength);

public sealed record AccountPage(User User, IReadOnlyList<ApiToken> Tokens, IReadOnlyList<ProjectMember> Memberships,
    IReadOnlyDictionary<long, string> ProjectNames, string? NewToken, string? Message, string? Error, int MinPasswordLength);

/// <summary>Sign-in, sign-out, first-run set-up, and the user's own account page (password and API tokens).</summary>
[Route("account")]
public sealed class AccountPagesController(
    AccountService accounts,
    UserRepository users,
    ApiTokenRepository tokens,
    MembershipRepository members,
    FirstRunState firstRun,
    AuditLog audit,
    TimelineAccessGuard live) : Controller
{
    private const string Views = "~/Accounts/Views/";

    [HttpGet("login"), AllowAnonymous]
    public IActionResult Login(string? returnUrl) =>
        View(Views + "Login.cshtml", new LoginPage(null, returnUrl, null));

    [HttpPost("login"), AllowAnonymous, EnableRateLimiting(SignInRateLimit.Policy)]
    public async Task<IActionResult> LoginPost([FromForm] LoginForm form)
    {
        var result = await accounts.CheckPasswordAsync(form.Email, form.Password);
        if (result.Outcome != SignInOutcome.Succeeded)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return View(Views + "Login.cshtml", new LoginPage(form.Email, form.ReturnUrl, TokenApi.RefusedMessage(accounts.Options)));
        }
        await SignInAsync(result.User!, form.RememberMe);
        return LocalRedirect(Url.IsLocalUrl(form.ReturnUrl) ? form.ReturnUrl! : "/");
    }

    [HttpPost("logout")]
    public async Task<IActionResult> Logout()
    {
        await audit.WriteAsync(AuditActions.SignOut);
        // Deletes the server-side session: a copy of the cookie no longer works, and this session's live connections close.
        await HttpContext.SignOutAsync(AuthSchemes.Cookie);
        if (User.TryGetUserId() is { } userId) await live.RecheckUserAsync(userId);
        return Redirect("/account/login");
    }

    [HttpGet("setup"), AllowAnonymous]
    public async Task<IActionResult> Setup() =>
        await firstRun.UsersExistAsync()
            ? Redirect("/account/login")
            : View(Views + "Setup.cshtml", new SetupPage(null, null, accounts.Options.MinPasswordLength));

    [HttpPost("setup"), AllowAnonymous, EnableRateLimiting(SignInRateLimit.Policy)]
    public async Task<IActionResult> SetupPost(string? email, string? password, string? confirmPassword)
    {
        if (await firstRun.UsersExistAsync()) return Redirect("/account/login");
        string? error = password != confirmPassword ? "The two passwords differ. Type the same password twice." : null;
        User? admin = null;
        if (error is null)
        {
            try { admin = await accounts.CreateUserAsync(email ?? "", password ?? "", Roles.Admin, onlyIfFirst: true); }
            catch (AccountException e) { error = e.Message; }
        }
        if (admin is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(Views + "Setup.cshtml", new SetupPage(email, error, accounts.Options.MinPasswordLength));
        }
        firstRun.MarkUsersExist();
        await SignInAsync(admin, rememberMe: false);
        return Redirect("/");
    }

    // Post/redirect/get: the token and the message travel once in TempData (an encrypted, HttpOnly cookie read and
    // deleted by the next page), so reloading the account page shows it again and creates nothing.
    private const string NewTokenKey = "account.newToken";
    private const string MessageKey = "account.message";

    [HttpGet("")]
    public Task<IActionResult> Index() => AccountViewAsync(TempData[NewTokenKey] as string, TempData[MessageKey] as string, null);

    [HttpPost("tokens")]
    public async Task<IActionResult> CreateToken(string? name)
    {
        var (_, plain) = await accounts.CreateTokenAsync(await CurrentUserAsync(), name);
        TempData[NewTokenKey] = plain;
        TempData[MessageKey] = "Token created. Copy it now: it is shown only once.";
        return Redirect("/account");
    }

    [HttpPost("tokens/{tokenId:long}/revoke")]
    public async Task<IActionResult> RevokeToken(long tokenId)
    {
        var user = await CurrentUserAsync();
        var revoked = await accounts.RevokeTokenAsync(user, tokenId);
        if (!revoked) return await AccountViewAsync(null, null, "That token does not exist or was already revoked.", StatusCodes.Status404NotFound);
        await live.RecheckUserAsync(user.Id);
        TempData[MessageKey] = "Token revoked: it no longer works.";
        return Redirect("/account");
    }

    [HttpPost("password")]
    public async Task<IActionResult> ChangePassword(string? currentPassword, string? newPassword, string? confirmPassword)
    {
        var user = await CurrentUserAsync();
        var check = await accounts.CheckPasswordAsync(user.Email, currentPassword);
        if (check.Outcome != SignInOutcome.Succeeded)
            return await AccountViewAsync(null, null, "Your current password is wrong.", StatusCodes.Status400BadRequest);
        if (newPassword != confirmPassword)
            return await AccountViewAsync(null, null, "The two new passwords differ.", StatusCodes.Status400BadRequest);
        try { await accounts.ResetPasswordAsync(user, newPassword ?? ""); }
        catch (AccountException e) { return await AccountViewAsync(null, null, e.Message, StatusCodes.Status400BadRequest); }
        // The new security stamp signs out every other browser and closes their live connections; this one gets a fresh cookie.
        await live.RecheckUserAsync(user.Id);
        await SignInAsync((await users.GetByIdAsync(user.Id))!, rememberMe: false, audited: false);
        return await AccountViewAsync(null, "Password changed. Your other browsers are signed out and your API tokens revoked: create new ones for your scripts.", null);
    }

    private async Task<IActionResult> AccountViewAsync(string? newToken, string? message, string? error, int status = 200)
    {
        var user = await CurrentUserAsync();
        var memberships = await members.GetManyByUserIdAsync(user.Id);
        Response.StatusCode = status;
        return View(Views + "Account.cshtml", new AccountPage(user, await tokens.GetManyByUserIdAsync(user.Id), memberships,
            await members.GetProjectNamesAsync(), newToken, message, error, accounts.Options.MinPasswordLength));
    }

    private async Task<User> CurrentUserAsync() =>
        await users.GetByIdAsync(User.GetUserId()) ?? throw new InvalidOperationException("The signed-in user no longer exists.");

    private async Task SignInAsync(User user, bool rememberMe, bool audited = true)
    {
        var properties = new AuthenticationProperties { IsPersistent = rememberMe, AllowRefresh = true };
        if (rememberMe) properties.ExpiresUtc = DateTimeOffset.UtcNow.AddDays(accounts.Options.RememberMeDays);
        await HttpContext.SignInAsync(AuthSchemes.Cookie, ClaimsPrincipalExtensions.ForUser(user, AuthSchemes.Cookie), properties);
        if (audited)
            await audit.WriteAsync(AuditActions.SignIn, subject: user.Email, detail: rememberMe ? "browser, remember me" : "browser",
                actorId: user.Id, actorEmail: user.Email);
    }
}
