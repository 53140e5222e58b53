using System.Net.Sockets;
using P2PShare.Peer.Network;
using P2PShare.Peer.Tests.Storage;

namespace P2PShare.Peer.Tests.Network;

public sealed class FileRegionTests
{
    [Fact]
    public async Task Sending_on_a_socket_that_is_no_longer_connected_fails_as_a_closed_connection()
    {
        // The runtime's zero-copy send throws NotSupportedException on such a socket, which the server
        // took for a bug of its own and logged as an error when a fetcher closed mid-piece.
        using var folder = new StorageTestFolder();
        string path = folder.Write("file.bin", StorageTestFolder.Bytes(4096, 3));
        await using var region = FileRegion.TryOpen(path, 0, 4096)!;
        using var unconnected = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var sent = region.SenderOn(unconnected)(new byte[8], CancellationToken.None);

        await Assert.ThrowsAsync<IOException>(async () => await sent);
    }
}
