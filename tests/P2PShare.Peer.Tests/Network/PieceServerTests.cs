using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Tests.Network;

/// <summary>What the piece server does with fetchers that are unauthenticated, silent, too many, or asking for what it never announced.</summary>
public sealed class PieceServerTests
{
    private static readonly TimeSpan Deadline = TestPieceServer.Deadline;
    private static readonly SharedSecret Secret = new("peer-tests shared secret");

    [Fact]
    public async Task A_fetcher_with_the_secret_gets_the_manifest_and_pieces()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { Secret = Secret });
        await using var link = await server.FetchAsync(Secret);

        var manifest = await link.GetManifestAsync(server.SharedId, CancellationToken.None).WaitAsync(Deadline);
        using var piece = await link.GetPieceAsync(server.SharedId, 0, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(TestPieceServer.Content.Length, manifest.Length);
        Assert.Equal(TestPieceServer.Content.AsSpan(0, 4096), piece.Payload.Span);
    }

    [Fact]
    public async Task A_fetcher_without_the_secret_is_refused_before_any_file_moves()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { Secret = Secret });

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => server.FetchAsync());

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        Assert.Contains("secret is required", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.PiecesServed);
    }

    [Fact]
    public async Task A_fetcher_with_a_wrong_secret_is_refused()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { Secret = Secret });

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => server.FetchAsync(new SharedSecret("not the right one")));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
    }

    [Fact]
    public async Task A_fetcher_with_a_secret_does_not_trust_an_open_server()
    {
        await using var server = await TestPieceServer.StartAsync();

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => server.FetchAsync(Secret));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
    }

    [Fact]
    public async Task A_peer_that_closes_during_the_handshake_is_no_warning()
    {
        // A peer that dials and gives up (or leaves) at once is normal; a tester saw it as a warning.
        var logger = new ListLogger();
        await using var server = await TestPieceServer.StartAsync(logger: logger);
        using (await server.OpenAsync())
        {
        }

        await Eventually.TrueAsync(() => Task.FromResult(logger.Lines.Any(l => l.Text.Contains("during the handshake", StringComparison.Ordinal))), "the close is logged", Deadline);
        Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task A_connection_that_never_says_hello_is_closed_after_the_handshake_timeout()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        using var tcp = await server.OpenAsync();

        Assert.True(await TestPieceServer.ClosedByServerAsync(tcp));
    }

    [Fact]
    public async Task A_connection_that_sends_half_a_frame_is_closed_after_the_handshake_timeout()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        using var tcp = await server.OpenAsync();

        await tcp.GetStream().WriteAsync(new byte[] { 0, 0, 0, 100, 0, 0, 0, 20, (byte)'t' }).AsTask().WaitAsync(Deadline);

        Assert.True(await TestPieceServer.ClosedByServerAsync(tcp));
    }

    [Fact]
    public async Task A_greeted_connection_that_stays_silent_is_closed_after_the_idle_timeout()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        using var tcp = await server.OpenAsync();
        await using var channel = await TestPieceServer.GreetAsync(tcp);

        Assert.Null(await channel.ReceiveAsync(Deadline).WaitAsync(Deadline));
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_are_answered_busy_while_other_addresses_get_in()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { MaxServeConnectionsPerAddress = 1 });
        await using var first = await server.FetchAsync();

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => server.FetchAsync());
        using var other = await server.OpenAsync(IPAddress.Parse("127.0.0.2"));
        await using var channel = await TestPieceServer.GreetAsync(other);

        Assert.Equal(ErrorCodes.Busy, refused.Code);
        Assert.Contains("from 127.0.0.1", refused.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_over_the_listener_limit_are_answered_busy_from_any_address()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { MaxServeConnections = 1 });
        await using var first = await server.FetchAsync();
        using var other = await server.OpenAsync(IPAddress.Parse("127.0.0.2"));

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPieceServer.GreetAsync(other));

        Assert.Equal(ErrorCodes.Busy, refused.Code);
        await first.DisposeAsync();
        await using var later = await RetryAsync(() => server.FetchAsync());
    }

    [Fact]
    public async Task Only_files_it_holds_are_served_and_anything_else_is_not_found()
    {
        await using var server = await TestPieceServer.StartAsync();
        await using var link = await server.FetchAsync();
        var stranger = FileId.Parse(new string('e', 64));

        var manifest = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetManifestAsync(stranger, CancellationToken.None).WaitAsync(Deadline));
        var have = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetHaveAsync(stranger, CancellationToken.None).WaitAsync(Deadline));
        var piece = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(stranger, 0, CancellationToken.None).WaitAsync(Deadline));
        var pastTheEnd = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(server.SharedId, 3, CancellationToken.None).WaitAsync(Deadline));

        Assert.All([manifest, have, piece, pastTheEnd], e => Assert.Equal(ErrorCodes.NotFound, e.Code));
    }

    [Fact]
    public async Task A_piece_of_a_partial_download_is_served_only_once_verified()
    {
        await using var server = await TestPieceServer.StartAsync();
        var data = new byte[8192];
        data.AsSpan(4096).Fill(1);
        var manifest = Storage.StorageTestFolder.ManifestOf(data, 4096);
        var download = server.Repository.OpenDownload(manifest, "partial.bin");
        download.WritePiece(1, data.AsSpan(4096));
        await using var link = await server.FetchAsync();

        var missing = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(manifest.Id, 0, CancellationToken.None).WaitAsync(Deadline));
        using var held = await link.GetPieceAsync(manifest.Id, 1, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(ErrorCodes.NotFound, missing.Code);
        Assert.Equal(data.AsSpan(4096), held.Payload.Span);
    }

    [Fact]
    public async Task A_shared_file_cut_short_after_sharing_is_answered_not_found_forgotten_and_the_connection_goes_on()
    {
        await using var server = await TestPieceServer.StartAsync();
        await using var link = await server.FetchAsync();
        string path = server.Repository.Files.Single().FinalPath!;
        var id = server.SharedId; // asked before the server forgets the file
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
            file.SetLength(5000); // someone edits the shared file: piece 2 (bytes 8192..9999) is gone

        var lost = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(id, 2, CancellationToken.None).WaitAsync(Deadline));
        // Piece 0 is still on disk, but from a file that changed: never served as the manifest's.
        var first = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(id, 0, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(ErrorCodes.NotFound, lost.Code);
        Assert.Equal(ErrorCodes.NotFound, first.Code);
        Assert.Empty(server.Repository.Files);
    }

    [Fact]
    public async Task A_shared_file_rewritten_in_place_after_sharing_is_never_served_and_is_forgotten()
    {
        await using var server = await TestPieceServer.StartAsync();
        await using var link = await server.FetchAsync();
        string path = server.Repository.Files.Single().FinalPath!;
        var id = server.SharedId; // asked before the server forgets the file
        var changed = TestPieceServer.Content.ToArray();
        changed[0] ^= 0xFF;
        File.WriteAllBytes(path, changed); // same length, other bytes
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1)); // a coarse clock must not hide the change

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(id, 0, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.Empty(server.Repository.Files);
    }

    [Fact]
    public async Task A_shared_file_touched_and_chmodded_after_sharing_is_still_served_byte_for_byte_and_trusted_again()
    {
        await using var server = await TestPieceServer.StartAsync();
        await using var link = await server.FetchAsync();
        var shared = Assert.IsType<SharedFile>(server.Repository.Files.Single());
        // A hard link, chmod or touch moves the change time (and touch the modification time) without a byte changing.
        File.SetLastWriteTimeUtc(shared.Path, DateTime.UtcNow.AddMinutes(1));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(shared.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        for (int piece = 0; piece < 3; piece++)
        {
            using var got = await link.GetPieceAsync(server.SharedId, piece, CancellationToken.None).WaitAsync(Deadline);
            Assert.Equal(TestPieceServer.Content.AsSpan(piece * 4096, Math.Min(4096, TestPieceServer.Content.Length - (piece * 4096))), got.Payload.Span);
        }

        Assert.Same(shared, server.Repository.Files.Single());
        Assert.Equal(FileStamp.Of(shared.Path), shared.Stamp); // every piece hashed again: the new stamp is trusted
    }

    [Fact]
    public async Task A_shared_file_edited_with_its_time_put_back_serves_its_unchanged_pieces_and_never_the_changed_one()
    {
        await using var server = await TestPieceServer.StartAsync();
        await using var link = await server.FetchAsync();
        string path = server.Repository.Files.Single().FinalPath!;
        var id = server.SharedId; // asked before the server forgets the file
        var mtime = File.GetLastWriteTimeUtc(path);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = 100; // inside piece 0: same length, other bytes
            file.WriteByte((byte)(TestPieceServer.Content[100] ^ 0xFF));
        }
        File.SetLastWriteTimeUtc(path, mtime); // as `touch -r` would: only the change time tells

        using (var unchanged = await link.GetPieceAsync(id, 1, CancellationToken.None).WaitAsync(Deadline))
            Assert.Equal(TestPieceServer.Content.AsSpan(4096, 4096), unchanged.Payload.Span);
        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(id, 0, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(ErrorCodes.NotFound, refused.Code);
        Assert.Empty(server.Repository.Files);
    }

    [Fact]
    public async Task A_cancelled_request_still_queued_is_dropped_and_the_ones_around_it_are_served()
    {
        var firstPieceHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logger = new ListLogger();
        var hold = GatedPieces.Wrap(async ct =>
        {
            firstPieceHeld.TrySetResult();
            await release.Task.WaitAsync(ct); // holds the serve loop on the first piece
        });
        await using var server = await TestPieceServer.StartAsync(logger: logger, serveThrough: hold);
        using var tcp = await server.OpenAsync();
        using var channel = await TestPieceServer.GreetAsync(tcp);

        for (int piece = 0; piece < 3; piece++)
            await channel.SendAsync(new GetPiece(server.SharedId, piece) { RequestId = 10 + piece }).WaitAsync(Deadline);
        await firstPieceHeld.Task.WaitAsync(Deadline);
        await channel.SendAsync(new CancelRequest(11)).WaitAsync(Deadline);
        await CancelLoggedAsync(logger);
        release.SetResult();

        using var first = await channel.ReceiveAsync(Deadline) ?? throw new IOException("closed");
        using var third = await channel.ReceiveAsync(Deadline) ?? throw new IOException("closed");
        Assert.Equal((10L, 0), (first.Message.ReplyTo, Assert.IsType<PieceReply>(first.Message).Piece));
        Assert.Equal((12L, 2), (third.Message.ReplyTo, Assert.IsType<PieceReply>(third.Message).Piece));
        Assert.Equal(TestPieceServer.Content.AsSpan(8192), third.Payload.Span);
    }

    [Fact]
    public async Task A_server_that_stops_while_sending_a_piece_delivers_it_whole_skips_the_queued_ones_says_bye_and_ends_the_connection_cleanly()
    {
        const int PieceLength = 4 * 1024 * 1024; // more than the socket buffers hold: part of it is still to send when the server stops
        var content = StorageTestFolder.Bytes(2 * PieceLength, seed: 11);
        var firstPieceHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = GatedPieces.Wrap(async ct =>
        {
            firstPieceHeld.TrySetResult();
            await release.Task.WaitAsync(ct);
        });
        // A leave timeout longer than the test's deadline: only a clean end, not the timeout, can close the connection in time.
        var options = TestPieceServer.Defaults with { PieceLength = PieceLength, LeaveTimeout = TimeSpan.FromMinutes(1) };
        var server = await TestPieceServer.StartAsync(options, serveThrough: hold, content: content);
        try
        {
            using var tcp = new TcpClient(AddressFamily.InterNetwork) { ReceiveBufferSize = 64 * 1024 };
            await tcp.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(Deadline);
            using var channel = await TestPieceServer.GreetAsync(tcp);
            await channel.SendAsync(new GetPiece(server.SharedId, 0) { RequestId = 10 }).WaitAsync(Deadline);
            await channel.SendAsync(new GetPiece(server.SharedId, 1) { RequestId = 11 }).WaitAsync(Deadline);
            await firstPieceHeld.Task.WaitAsync(Deadline);

            var stopping = server.Server.DisposeAsync().AsTask(); // the peer leaves while piece 0 is its fetcher's
            release.SetResult();

            using (var piece = await channel.ReceiveAsync(Deadline) ?? throw new IOException("closed before the piece"))
            {
                Assert.Equal((10L, 0), (piece.Message.ReplyTo, Assert.IsType<PieceReply>(piece.Message).Piece));
                Assert.True(content.AsSpan(0, PieceLength).SequenceEqual(piece.Payload.Span), "the piece arrived whole");
            }
            using (var bye = await channel.ReceiveAsync(Deadline) ?? throw new IOException("closed without a goodbye"))
                Assert.IsType<Bye>(bye.Message); // not piece 1
            Assert.Null(await channel.ReceiveAsync(Deadline)); // the end, not a reset
            Assert.False(stopping.IsCompleted, "the server waits for the fetcher to close its side");
            channel.Close();
            await stopping.WaitAsync(Deadline);
            Assert.Equal(1, server.Server.PiecesServed);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_piece_whose_send_finds_the_fetcher_gone_is_no_warning_but_other_send_failures_are()
    {
        // A downloader that completes closes its connections with replies still on their way, and every
        // seeder it used warned 'Broken pipe' for each. The send's failure is injected: when the reset
        // lands during a send, rather than a read, depends on timing.
        var gone = new IOException("Unable to write data to the transport connection: Broken pipe.", new SocketException((int)SocketError.Shutdown));
        Assert.Empty(await WarningsWhenASendFailsAsync(gone));

        var other = new IOException("Input/output error");
        Assert.Single(await WarningsWhenASendFailsAsync(other));
    }

    private static async Task<List<string>> WarningsWhenASendFailsAsync(Exception failure)
    {
        var logger = new ListLogger();
        await using var server = await TestPieceServer.StartAsync(logger: logger, serveThrough: GatedPieces.Wrap(_ => Task.FromException(failure)));
        using var tcp = await server.OpenAsync();
        using var channel = await TestPieceServer.GreetAsync(tcp);
        await channel.SendAsync(new GetPiece(server.SharedId, 0) { RequestId = 10 }).WaitAsync(Deadline);

        Assert.True(await TestPieceServer.ClosedByServerAsync(tcp), "the connection ends with its send");
        await Eventually.TrueAsync(() => Task.FromResult(logger.Lines.Any(l => l.Text.Contains(failure.Message, StringComparison.Ordinal))), "the end is logged", Deadline);
        return [.. logger.Lines.Where(l => l.Level >= LogLevel.Warning).Select(l => l.Text)];
    }

    [Fact]
    public async Task A_server_that_stops_closes_a_fetcher_that_never_closes_its_side_after_the_leave_timeout()
    {
        await using var server = await TestPieceServer.StartAsync(TestPieceServer.Defaults with { LeaveTimeout = TimeSpan.FromMilliseconds(300) });
        using var tcp = await server.OpenAsync();
        using var channel = await TestPieceServer.GreetAsync(tcp);
        using (var sent = await AskAsync(channel, new GetPiece(server.SharedId, 0) { RequestId = 10 }))
            Assert.IsType<PieceReply>(sent.Message);

        await server.Server.DisposeAsync().AsTask().WaitAsync(Deadline); // the fetcher reads nothing and never closes

        Assert.True(await TestPieceServer.ClosedByServerAsync(tcp));
    }

    [Fact]
    public async Task A_piece_just_sent_to_one_fetcher_is_answered_elsewhere_to_another_only_when_it_may_defer()
    {
        await using var server = await TestPieceServer.StartAsync();
        using var tcpA = await server.OpenAsync();
        using var a = await TestPieceServer.GreetAsync(tcpA);
        using var tcpB = await server.OpenAsync();
        using var b = await TestPieceServer.GreetAsync(tcpB);

        using (var sent = await AskAsync(a, new GetPiece(server.SharedId, 0) { RequestId = 10, MayDefer = true }))
            Assert.IsType<PieceReply>(sent.Message);
        using (var deferred = await AskAsync(b, new GetPiece(server.SharedId, 0) { RequestId = 20, MayDefer = true }))
            Assert.Equal(ErrorCodes.Elsewhere, Assert.IsType<ErrorReply>(deferred.Message).Code);
        using (var old = await AskAsync(b, new GetPiece(server.SharedId, 0) { RequestId = 21 })) // an older fetcher never says defer
            Assert.Equal(TestPieceServer.Content.AsSpan(0, 4096), old.Payload.Span);
        using (var other = await AskAsync(b, new GetPiece(server.SharedId, 1) { RequestId = 22, MayDefer = true }))
            Assert.IsType<PieceReply>(other.Message);
        Assert.Equal(3, server.Server.PiecesServed);
    }

    [Fact]
    public async Task A_piece_sent_to_a_fetcher_that_has_left_is_served_to_the_next_even_when_it_may_defer()
    {
        await using var server = await TestPieceServer.StartAsync();
        using var tcpB = await server.OpenAsync();
        using var b = await TestPieceServer.GreetAsync(tcpB);
        using (var tcpA = await server.OpenAsync())
        using (var a = await TestPieceServer.GreetAsync(tcpA))
        using (var sent = await AskAsync(a, new GetPiece(server.SharedId, 0) { RequestId = 10, MayDefer = true }))
            Assert.IsType<PieceReply>(sent.Message);
        // The first fetcher finished and left: nobody will pass piece 0 on, so deferring would only stall b.
        await Eventually.TrueAsync(() => Task.FromResult(server.Server.OpenConnections == 1), "the server saw the first fetcher leave");
        using var served = await AskAsync(b, new GetPiece(server.SharedId, 0) { RequestId = 20, MayDefer = true });
        Assert.IsType<PieceReply>(served.Message);
    }

    [Fact]
    public async Task A_fetcher_that_watches_a_file_hears_of_each_piece_verified_later_and_one_that_does_not_hears_nothing()
    {
        await using var server = await TestPieceServer.StartAsync();
        using var tcpA = await server.OpenAsync();
        using var watching = await TestPieceServer.GreetAsync(tcpA);
        using var tcpB = await server.OpenAsync();
        using var plain = await TestPieceServer.GreetAsync(tcpB);

        await watching.SendAsync(new GetHave(server.SharedId) { RequestId = 30, Watch = true }).WaitAsync(Deadline);
        using (var map = await watching.ReceiveAsync(Deadline) ?? throw new IOException("closed"))
            Assert.IsType<HaveMap>(map.Message);
        await plain.SendAsync(new GetHave(server.SharedId) { RequestId = 40 }).WaitAsync(Deadline);
        using (var map = await plain.ReceiveAsync(Deadline) ?? throw new IOException("closed"))
            Assert.IsType<HaveMap>(map.Message);

        server.Server.PieceGained(server.SharedId, 2);
        using (var notice = await watching.ReceiveAsync(Deadline) ?? throw new IOException("closed"))
            Assert.Equal(new HavePiece(server.SharedId, 2), notice.Message);
        await plain.SendAsync(new GetHave(server.SharedId) { RequestId = 41 }).WaitAsync(Deadline);
        using (var next = await plain.ReceiveAsync(Deadline) ?? throw new IOException("closed"))
            Assert.Equal(41, next.Message.ReplyTo); // no notice came before it
    }

    [Fact]
    public async Task A_watching_peer_link_hands_each_notice_to_its_callback_and_the_watch_ends_with_the_connection()
    {
        await using var server = await TestPieceServer.StartAsync();
        var heard = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var link = await server.FetchAsync())
        {
            var have = await link.WatchHaveAsync(server.SharedId, 3, piece => heard.TrySetResult(piece), CancellationToken.None).WaitAsync(Deadline);
            Assert.Null(have); // the whole file
            Assert.Equal(1, server.Server.Watches);
            server.Server.PieceGained(server.SharedId, 1);
            Assert.Equal(1, await heard.Task.WaitAsync(Deadline));
        }
        var until = DateTime.UtcNow + Deadline;
        while (server.Server.Watches != 0)
        {
            Assert.True(DateTime.UtcNow < until, "the watch outlived its connection");
            await Task.Delay(10);
        }
    }

    private static async Task<Incoming> AskAsync(MessageChannel channel, GetPiece request)
    {
        await channel.SendAsync(request).WaitAsync(Deadline);
        var reply = await channel.ReceiveAsync(Deadline) ?? throw new IOException("closed");
        Assert.Equal(request.RequestId, reply.Message.ReplyTo);
        return reply;
    }

    private static async Task CancelLoggedAsync(ListLogger logger)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!logger.Has(Microsoft.Extensions.Logging.LogLevel.Debug, "Dropped queued request 11"))
        {
            Assert.True(DateTime.UtcNow < until, "the server never took the cancel");
            await Task.Delay(10);
        }
    }

    // The freed slot is released when the server notices the close; a fetcher may race it.
    private static async Task<T> RetryAsync<T>(Func<Task<T>> attempt)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (RemoteErrorException e) when (e.Code == ErrorCodes.Busy && DateTime.UtcNow < until)
            {
                await Task.Delay(20);
            }
        }
    }

    [Fact]
    public async Task A_fetcher_that_stops_inside_a_frame_is_closed_after_the_frame_deadline_and_others_are_still_served()
    {
        var logger = new ListLogger();
        var frameTimeout = TimeSpan.FromSeconds(1);
        var options = TestPieceServer.Defaults with { Limits = ProtocolLimits.Default with { FrameTimeout = frameTimeout } };
        Assert.True(options.IdleTimeout > Deadline); // only the frame deadline can close it in time
        await using var server = await TestPieceServer.StartAsync(options, logger);
        using var tcp = await server.OpenAsync();
        using var channel = await TestPieceServer.GreetAsync(tcp);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await tcp.GetStream().WriteAsync(new byte[] { 0, 0 }); // half a frame prefix, then silence

        Assert.True(await TestPieceServer.ClosedByServerAsync(tcp), "the half frame kept its connection open");
        Assert.InRange(clock.Elapsed, frameTimeout * 0.9, Deadline);
        // The socket closes before the server logs why.
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(Microsoft.Extensions.Logging.LogLevel.Warning, "the rest of a frame did not arrive within 1 s")),
            "the piece server logs why it closed the connection", Deadline);
        await using var link = await server.FetchAsync();
        using var piece = await link.GetPieceAsync(server.SharedId, 1, CancellationToken.None).WaitAsync(Deadline);
        Assert.Equal(TestPieceServer.Content.AsSpan(4096, 4096), piece.Payload.Span);
    }
}
