using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Bench.Wire;

/// <summary>
/// The hidden <c>wire-serve</c> command: the sending end of the <c>wire</c> benchmark, in a process of
/// its own so each end's CPU is its own. It serves every piece of a file, in order, to one connection,
/// the way the peer's piece server does (<see cref="PieceAnswer"/>: <c>sendfile</c> on a plain
/// connection, a pooled buffer through TLS), then prints its CPU seconds.
/// </summary>
internal static class WireServeCommand
{
    public const string Name = "wire-serve";
    public const string ListeningLine = "wire: listening on port";
    public const string DoneLine = "wire: served, cpu_s";

    public static Command Create()
    {
        var file = new Option<string>("--file") { Required = true };
        var pieceLength = new Option<int>("--piece-length") { DefaultValueFactory = _ => 256 * 1024 };
        var secret = new Option<string?>("--secret");
        var command = new Command(Name, "The sending end of the wire benchmark.") { file, pieceLength, secret };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            await ServeAsync(parse.GetValue(file)!, parse.GetValue(pieceLength), parse.GetValue(secret) is { } s ? new SharedSecret(s) : null, cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task ServeAsync(string path, int pieceLength, SharedSecret? secret, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Console.WriteLine($"{ListeningLine} {((IPEndPoint)listener.LocalEndpoint).Port}");
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        client.NoDelay = true;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        // Open: the plain stream at once (the receiver sends nothing first for the server to peek at).
        var secured = secret is null ? new SecuredConnection(client.GetStream(), null)
            : (await TransportSecurity.AcceptAsync(client.Client, client.GetStream(), secret, TimeSpan.FromSeconds(10), cancellationToken)).Secured
              ?? throw new InvalidOperationException("the TLS handshake failed");
        await using var channel = new MessageChannel(secured.Stream);
        var id = FileId.FromBytes(new byte[32]);
        long length = new FileInfo(path).Length;
        int pieces = (int)((length + pieceLength - 1) / pieceLength);
        for (int i = 0; i < pieces; i++)
        {
            int count = (int)Math.Min(pieceLength, length - ((long)i * pieceLength));
            var region = FileRegion.TryOpen(path, (long)i * pieceLength, count) ?? throw new IOException($"cannot open {path}");
            await using var answer = PieceAnswer.FromRegion(region);
            await answer.SendAsync(channel, secured.Encrypted ? null : client.Client, new GetPiece(id, i) { RequestId = i + 1 }, cancellationToken);
        }
        // The receiver closes once it has every piece.
        var buffer = new byte[1];
        try
        {
            while (await secured.Stream.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        catch (IOException)
        {
        }
        double seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DoneLine} {seconds:0.000}"));
    }
}
