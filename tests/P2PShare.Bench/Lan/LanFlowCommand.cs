using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2PShare.Bench.Lan;

/// <summary>
/// The hidden <c>lan-flow</c> command: one end of the plain TCP flow that checks the shaping. The
/// <c>lan</c> benchmark runs it inside two of its namespaces (a socket belongs to the namespace of the
/// process that makes it), from memory to memory so only the link is measured.
/// </summary>
internal static class LanFlowCommand
{
    public const string Name = "lan-flow";
    public const string ListeningLine = "flow: listening";
    public const string SentLine = "flow: sent";
    private const int BufferLength = 256 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var listen = new Option<string?>("--listen") { Description = "Receive one connection on ADDRESS:PORT until the sender closes it." };
        var to = new Option<string?>("--to") { Description = "Send --bytes to ADDRESS:PORT and print the seconds until the receiver had them all." };
        var bytes = new Option<long>("--bytes") { Description = "How many bytes to send." };
        var command = new Command(Name, "One end of the lan benchmark's shaping check (run inside its namespaces).") { listen, to, bytes };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Timeout);
            if (parse.GetValue(listen) is { } at)
                await ReceiveAsync(IPEndPoint.Parse(at), deadline.Token);
            else if (parse.GetValue(to) is { } target)
                await SendAsync(IPEndPoint.Parse(target), parse.GetValue(bytes), deadline.Token);
            else
                return 2;
            return 0;
        });
        return command;
    }

    private static async Task ReceiveAsync(IPEndPoint at, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(at);
        listener.Start();
        Console.WriteLine(ListeningLine);
        using var socket = await listener.AcceptSocketAsync(cancellationToken);
        var buffer = new byte[BufferLength];
        while (await socket.ReceiveAsync(buffer, cancellationToken) > 0)
        {
        }
        // Closing tells the sender that every byte has arrived.
    }

    private static async Task SendAsync(IPEndPoint to, long bytes, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(to, cancellationToken);
        var clock = Stopwatch.StartNew();
        var buffer = new byte[BufferLength];
        for (long left = bytes; left > 0; left -= buffer.Length)
            await socket.SendAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        while (await socket.ReceiveAsync(buffer, cancellationToken) > 0)
        {
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{SentLine} {bytes} {clock.Elapsed.TotalSeconds:0.000}"));
    }
}
