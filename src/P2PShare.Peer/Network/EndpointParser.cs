using System.Globalization;

namespace P2PShare.Peer.Network;

/// <summary>Parses <c>host:port</c> as users type it.</summary>
public static class EndpointParser
{
    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or a bare host (then <paramref name="defaultPort"/>).</summary>
    public static bool TryParse(string text, int defaultPort, out string host, out int port, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        host = "";
        port = defaultPort;
        error = null;
        text = text.Trim();
        string portText = "";
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
                return Fail($"'{text}' has '[' without ']'", out error);
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':')
                    return Fail($"'{text}' should be [address]:port", out error);
                portText = text[(close + 2)..];
            }
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon >= 0 && text.IndexOf(':', StringComparison.Ordinal) == colon)
            {
                host = text[..colon];
                portText = text[(colon + 1)..];
            }
            else
            {
                host = text;
            }
        }
        if (host.Length == 0)
            return Fail($"'{text}' names no host", out error);
        if (portText.Length > 0 && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            return Fail($"'{portText}' is not a port (1-65535)", out error);
        return true;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
