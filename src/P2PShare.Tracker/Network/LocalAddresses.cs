using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace P2PShare.Tracker.Network;

/// <summary>This machine's addresses, for telling the user where peers can reach the tracker. Only reads; sends nothing.</summary>
public static class LocalAddresses
{
    /// <summary>The IPv4 unicast addresses of interfaces that are up, loopback excluded; empty when they cannot be read.</summary>
    public static IReadOnlyList<IPAddress> NonLoopbackIPv4()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
                .Distinct()];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    /// <summary>True for 0.0.0.0 and ::, which listen on every interface.</summary>
    public static bool IsAnyAddress(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
