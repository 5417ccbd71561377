using System.Security.Claims;
using ImaginAI.Tracker.Accounts;

namespace ImaginAI.Tracker.Security;

public static class ClaimsPrincipalExtensions
{
    public static long? TryGetUserId(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    public static long GetUserId(this ClaimsPrincipal user) =>
        user.TryGetUserId() ?? throw new InvalidOperationException("The request is not signed in.");

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>The claims a signed-in user carries, in a cookie or from a token.</summary>
    public static ClaimsPrincipal ForUser(User user, string authenticationType) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Email, user.Email),
                new Claim(ClaimTypes.Name, user.Email),
                new Claim(ClaimTypes.Role, user.Role),
                new Claim(SecurityStampClaim, user.SecurityStamp),
            ],
            authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    public const string SecurityStampClaim = "imaginai:stamp";
}
