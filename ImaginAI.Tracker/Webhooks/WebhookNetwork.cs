using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace ImaginAI.Tracker.Webhooks;

/// <summary>
/// Where webhooks may go: https URLs whose host resolves to public addresses only. The address is checked again at
/// connect time, on the address actually connected to, so a name that later resolves to a private address (DNS
/// rebinding) still cannot reach the server's own network.
/// </summary>
public sealed class WebhookNetwork(IOptions<WebhookOptions> options)
{
    public const string HttpClientName = "webhooks";

    /// <summary>Why the URL is refused, in words a manager understands; null when it may be used.</summary>
    public async Task<string?> CheckUrlAsync(string? url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || string.IsNullOrEmpty(uri.Host))
            return "Give the full address of the receiver, for example https://example.com/hooks/tracker.";
        var allowLoopback = options.Value.AllowLoopback;
        if (uri.Scheme != Uri.UriSchemeHttps && !(allowLoopback && uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            return "Webhooks are sent over https only: use an https:// address.";
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken);
        }
        catch (SocketException)
        {
            return $"The name {uri.Host} could not be found.";
        }
        if (addresses.Length == 0) return $"The name {uri.Host} could not be found.";
        if (!allowLoopback && addresses.FirstOrDefault(IsPrivate) is { } inside)
            return $"{uri.Host} points to {inside}, an address inside a private network: webhooks go to public addresses only.";
        return null;
    }

    /// <summary>The handler of the webhook HttpClient: no redirects, no proxy, short timeouts, addresses checked on connect.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        var settings = options.Value;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, settings.TimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
                var allowed = settings.AllowLoopback ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
                if (allowed.Length == 0 || allowed.Length != addresses.Length)
                    throw new HttpRequestException($"{host} resolves to a private address; webhooks go to public addresses only.");
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }

    /// <summary>Loopback, private (RFC 1918, unique-local), link-local, carrier-grade NAT, unspecified and multicast addresses.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
        var b = address.GetAddressBytes();
        return b[0] is 0 or 10 or 127 || b[0] >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127);
    }
}
