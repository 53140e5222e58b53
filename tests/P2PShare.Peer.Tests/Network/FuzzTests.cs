using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Network;

namespace P2PShare.Peer.Tests.Network;

/// <summary>Random and mutated frames against a live piece server: each hostile connection is closed, nothing crashes, a well-behaved fetcher is still served.</summary>
public sealed class FuzzTests
{
    private const string Hello = "type::hello;id::1;version::1;role::fetcher;port::0;agent::fuzz;";

    [Fact]
    public async Task Hostile_bytes_close_only_their_own_connection_and_the_piece_server_goes_on_serving()
    {
        var logger = new ListLogger();
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { HandshakeTimeout = TimeSpan.FromSeconds(5) }, logger);
        await using var bystander = await server.FetchAsync();

        var property = Prop.ForAll(HostileInput.Arbitrary(), input => Survives(server, bystander, input));
        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(20261125, 3)));

        Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Error);
        await using var newcomer = await server.FetchAsync();
        using var piece = await newcomer.GetPieceAsync(server.SharedId, 2, CancellationToken.None).WaitAsync(TestPieceServer.Deadline);
        Assert.Equal(TestPieceServer.Content.AsSpan(8192), piece.Payload.Span);
    }

    private static bool Survives(TestPieceServer server, PeerLink bystander, HostileInput input) =>
        SurvivesAsync(server, bystander, input).GetAwaiter().GetResult();

    private static async Task<bool> SurvivesAsync(TestPieceServer server, PeerLink bystander, HostileInput input)
    {
        bool closed;
        using (var tcp = await server.OpenAsync())
            closed = await input.SendAndExpectCloseAsync(tcp.GetStream(), tcp.Client, Hello, TestPieceServer.Deadline);
        using var piece = await bystander.GetPieceAsync(server.SharedId, 0, CancellationToken.None).WaitAsync(TestPieceServer.Deadline);
        return closed && piece.Payload.Span.SequenceEqual(TestPieceServer.Content.AsSpan(0, 4096));
    }
}
