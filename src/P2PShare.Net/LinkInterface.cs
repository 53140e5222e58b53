using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace P2PShare.Net;

/// <summary>
/// One up, non-loopback network interface, as discovery needs it: where to ask and answer. Reads
/// the system's interface list only; sends nothing.
/// </summary>
/// <param name="Name">The interface's name, e.g. <c>eth0</c>.</param>
/// <param name="Index">The OS interface index (for IPv6 multicast and group membership).</param>
/// <param name="IPv4">Its IPv4 addresses with their prefix lengths.</param>
/// <param name="IPv6">Its IPv6 addresses.</param>
/// <param name="SupportsMulticast">Whether the interface can send and receive multicast.</param>
public sealed record LinkInterface(string Name, int Index, IReadOnlyList<(IPAddress Address, int PrefixLength)> IPv4, IReadOnlyList<IPAddress> IPv6, bool SupportsMulticast)
{
    /// <summary>Every address of both families, IPv4 first.</summary>
    public IEnumerable<IPAddress> Addresses => IPv4.Select(a => a.Address).Concat(IPv6);

    /// <summary>The up, non-loopback interfaces with at least one address; empty when they cannot be read.</summary>
    public static IReadOnlyList<LinkInterface> All()
    {
        try
        {
            var found = new List<LinkInterface>();
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown) || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                    continue;
                var properties = nic.GetIPProperties();
                var v4 = properties.UnicastAddresses.Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(u.Address))
                    .Select(u => (u.Address, u.PrefixLength)).ToList();
                var v6 = properties.UnicastAddresses.Where(u => u.Address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(u.Address))
                    .Select(u => u.Address).ToList();
                if (v4.Count == 0 && v6.Count == 0)
                    continue;
                int index = IndexOf(properties, v4.Count > 0);
                found.Add(new LinkInterface(nic.Name, index, v4, v6, nic.SupportsMulticast));
            }
            return found;
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    /// <summary>The addresses of the interface with <paramref name="index"/>; loopback's own for the loopback interface.</summary>
    public static IReadOnlyList<IPAddress> AddressesOf(int index)
    {
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                var properties = nic.GetIPProperties();
                if (IndexOf(properties, true) == index || IndexOf(properties, false) == index)
                    return [.. properties.UnicastAddresses.Select(u => u.Address)];
            }
        }
        catch (NetworkInformationException)
        {
        }
        return [];
    }

    /// <summary>The directed broadcast address of <paramref name="address"/>/<paramref name="prefixLength"/> (e.g. 10.0.0.255 for 10.0.0.7/24).</summary>
    public static IPAddress BroadcastOf(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        uint host = ToUInt32(address);
        uint mask = prefixLength <= 0 ? 0 : uint.MaxValue << (32 - Math.Min(prefixLength, 32));
        return FromUInt32(host | ~mask);
    }

    /// <summary>The 254 host addresses of the /24 holding <paramref name="address"/>, itself left out.</summary>
    public static IEnumerable<IPAddress> Slash24Of(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        uint own = ToUInt32(address);
        uint network = own & 0xFFFFFF00u;
        for (uint host = 1; host < 255; host++)
        {
            if (network + host != own)
                yield return FromUInt32(network + host);
        }
    }

    private static int IndexOf(IPInterfaceProperties properties, bool ipv4)
    {
        try
        {
            return ipv4 ? properties.GetIPv4Properties()?.Index ?? -1 : properties.GetIPv6Properties()?.Index ?? -1;
        }
        catch (NetworkInformationException)
        {
            return -1;
        }
    }

    private static uint ToUInt32(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        if (b.Length != 4)
            throw new ArgumentException("not an IPv4 address", nameof(address));
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress FromUInt32(uint value) => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
