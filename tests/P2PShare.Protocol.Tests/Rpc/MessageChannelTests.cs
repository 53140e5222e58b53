using System.Collections.Concurrent;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Rpc;

/// <summary>Request/reply matching, errors, timeouts and closes over a real loopback connection.</summary>
public sealed class MessageChannelTests
{
    private static readonly TimeSpan Timeout = ChannelPair.Timeout;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(30);

    private static Func<Incoming, CancellationToken, Task> Ignore => (incoming, _) =>
    {
        incoming.Dispose();
        return Task.CompletedTask;
    };

    private static byte[] PayloadFor(int piece) => [.. Enumerable.Range(0, 1000 + piece).Select(i => (byte)(i * 7 + piece))];

    [Fact]
    public async Task A_request_without_an_id_is_refused_with_an_error_that_carries_no_re_and_never_reaches_the_handler()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var handled = new ConcurrentQueue<string>();
        var serverLoop = pair.Server.RunAsync((incoming, _) =>
        {
            using (incoming)
                handled.Enqueue(incoming.Message.Type);
            return Task.CompletedTask;
        }, Idle);

        foreach (Message request in new Message[] { new GetPiece(A, 1), new GetManifest(A), new GetHave(A), new ListFiles(), new WhoHas(A) })
        {
            await pair.Client.SendAsync(request).WaitAsync(Timeout);
            using var answer = await pair.Client.ReceiveAsync(Timeout).WaitAsync(Timeout);
            var error = Assert.IsType<ErrorReply>(answer!.Message);
            Assert.Equal((ErrorCodes.BadRequest, 0L, 0L), (error.Code, error.ReplyTo, error.RequestId));
            Assert.Contains($"'{request.Type}' is a request and must carry an id", error.Text, StringComparison.Ordinal);
        }
        // A notification without an id is what it should be, and is handled.
        await pair.Client.SendAsync(new HavePiece(A, 1)).WaitAsync(Timeout);
        await pair.Client.SendAsync(new Bye()).WaitAsync(Timeout);
        pair.Client.Close();
        await serverLoop.WaitAsync(Timeout);
        Assert.Equal(["have", "bye"], handled);
    }

    [Fact]
    public async Task Requests_in_flight_are_matched_to_replies_sent_out_of_order()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        const int count = 5;
        var received = new List<GetPiece>();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverLoop = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
                received.Add(Assert.IsType<GetPiece>(incoming.Message));
            if (received.Count < count)
                return;
            allReceived.SetResult();
            // Answer newest first, so no reply arrives in the order its request was sent.
            for (int i = received.Count - 1; i >= 0; i--)
                await pair.Server.ReplyAsync(received[i], new PieceReply(received[i].File, received[i].Piece), PayloadFor(received[i].Piece), ct);
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);

        var requests = Enumerable.Range(0, count)
            .Select(piece => pair.Client.RequestAsync<PieceReply>(new GetPiece(A, piece), Timeout))
            .ToArray();
        await allReceived.Task.WaitAsync(Timeout);
        Assert.Equal(count, received.Select(r => r.RequestId).Distinct().Count());

        for (int piece = 0; piece < count; piece++)
        {
            var (reply, raw) = await requests[piece].WaitAsync(Timeout);
            using (raw)
            {
                Assert.Equal(piece, reply.Piece);
                Assert.Equal(PayloadFor(piece), raw.Payload.ToArray());
            }
        }
    }

    [Fact]
    public async Task A_reply_whose_payload_the_caller_sends_itself_arrives_whole_between_ordinary_frames()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var payload = PayloadFor(300);
        var serverLoop = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                var request = Assert.IsType<GetPiece>(incoming.Message);
                // As a seeder does with sendfile: the head from the channel, the payload from elsewhere, on the same socket.
                var socket = pair.ServerSocket.GetStream();
                await pair.Server.ReplyAsync(request, new PieceReply(request.File, request.Piece), payload.Length, async (head, token) =>
                {
                    await socket.WriteAsync(head, token);
                    await socket.WriteAsync(payload, token);
                }, ct);
            }
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);

        for (int piece = 0; piece < 3; piece++)
        {
            var (reply, raw) = await pair.Client.RequestAsync<PieceReply>(new GetPiece(A, piece), Timeout).WaitAsync(Timeout);
            using (raw)
            {
                Assert.Equal(piece, reply.Piece);
                Assert.Equal(payload, raw.Payload.ToArray());
            }
        }
    }

    [Fact]
    public async Task A_caller_sent_payload_that_fails_midway_closes_the_channel()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var serverLoop = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                var request = Assert.IsType<GetPiece>(incoming.Message);
                var socket = pair.ServerSocket.GetStream();
                await pair.Server.ReplyAsync(request, new PieceReply(request.File, request.Piece), 1000, async (head, token) =>
                {
                    await socket.WriteAsync(head, token);
                    throw new IOException("the file vanished"); // half a frame is out: the stream cannot be used again
                }, ct);
            }
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);

        await Assert.ThrowsAsync<IOException>(() => pair.Client.RequestAsync<PieceReply>(new GetPiece(A, 0), Timeout).WaitAsync(Timeout));
        Assert.True(pair.Server.Closed.IsCancellationRequested);
        await serverLoop.WaitAsync(Timeout); // the read loop ends with the channel
    }

    [Fact]
    public async Task A_request_its_caller_gives_up_on_is_cancelled_on_the_wire_and_a_late_reply_is_dropped()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var asked = new TaskCompletionSource<GetPiece>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<CancelRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverLoop = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                if (incoming.Message is GetPiece { Piece: 2 } second)
                    await pair.Server.ReplyAsync(second, new PieceReply(A, 2), PayloadFor(2), ct);
                else if (incoming.Message is GetPiece get)
                    asked.TrySetResult(get);
                else if (incoming.Message is CancelRequest cancel)
                    cancelled.TrySetResult(cancel);
            }
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);
        using var giveUp = new CancellationTokenSource();

        var request = pair.Client.RequestAsync(new GetPiece(A, 1), Timeout, giveUp.Token);
        var get = await asked.Task.WaitAsync(Timeout);
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(Timeout));
        Assert.Equal(get.RequestId, (await cancelled.Task.WaitAsync(Timeout)).Request);
        await pair.Server.ReplyAsync(get, new PieceReply(A, 1), PayloadFor(1)); // too late: nobody waits for it
        var (after, raw) = await pair.Client.RequestAsync<PieceReply>(new GetPiece(A, 2), Timeout).WaitAsync(Timeout);
        using (raw)
            Assert.Equal(2, after.Piece); // the late reply was dropped, and the connection goes on
    }

    [Fact]
    public async Task Error_reply_throws_RemoteErrorException_with_code_and_text()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        _ = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
                await pair.Server.ReplyAsync(incoming.Message, new ErrorReply(ErrorCodes.NotFound, "no piece 3; sorry"), default, ct);
        }, Idle);
        _ = pair.Client.RunAsync(Ignore, Idle);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => pair.Client.RequestAsync<PieceReply>(new GetPiece(A, 3), Timeout).WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.NotFound, e.Code);
        Assert.Equal("no piece 3; sorry", e.Text);
    }

    [Fact]
    public async Task Reply_of_the_wrong_type_throws_ProtocolException()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        _ = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
                await pair.Server.ReplyAsync(incoming.Message, new Ok(), default, ct);
        }, Idle);
        _ = pair.Client.RunAsync(Ignore, Idle);

        var wrong = await Assert.ThrowsAsync<ProtocolException>(() => pair.Client.RequestAsync<PieceReply>(new GetPiece(A, 3), Timeout).WaitAsync(Timeout));
        Assert.Equal($"'{Ok.TypeName}' is no answer to '{GetPiece.TypeName}'", wrong.Message); // wire names, never our type names
    }

    [Fact]
    public async Task Unanswered_request_times_out_with_TimeoutException()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = pair.Server.RunAsync((incoming, _) =>
        {
            incoming.Dispose();
            seen.TrySetResult();
            return Task.CompletedTask;
        }, Idle);
        _ = pair.Client.RunAsync(Ignore, Idle);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => pair.Client.RequestAsync(new GetPiece(A, 1), TimeSpan.FromMilliseconds(200)).WaitAsync(Timeout));
        Assert.Contains("get_piece", e.Message, StringComparison.Ordinal);
        await seen.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Late_reply_after_a_timeout_is_dropped_and_the_channel_keeps_working()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var first = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                if (incoming.Message is GetPiece { Piece: 1 })
                    first.SetResult(incoming.Message); // answered later, after the requester gave up
                else
                    await pair.Server.ReplyAsync(incoming.Message, new Ok(), default, ct);
            }
        }, Idle);
        _ = pair.Client.RunAsync(Ignore, Idle);

        await Assert.ThrowsAsync<TimeoutException>(() => pair.Client.RequestAsync(new GetPiece(A, 1), TimeSpan.FromMilliseconds(100)).WaitAsync(Timeout));
        await pair.Server.ReplyAsync(await first.Task.WaitAsync(Timeout), new PieceReply(A, 1), new byte[10]).WaitAsync(Timeout);
        var (ok, raw) = await pair.Client.RequestAsync<Ok>(new GetPiece(A, 2), Timeout).WaitAsync(Timeout);
        raw.Dispose();
        Assert.IsType<Ok>(ok);
    }

    [Fact]
    public async Task Pending_requests_fail_with_IOException_when_the_other_side_closes()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        int seen = 0;
        var bothSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverLoop = pair.Server.RunAsync((incoming, _) =>
        {
            incoming.Dispose();
            if (Interlocked.Increment(ref seen) == 2)
                bothSeen.SetResult();
            return Task.CompletedTask;
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);

        var one = pair.Client.RequestAsync(new GetPiece(A, 1), Timeout);
        var two = pair.Client.RequestAsync(new GetManifest(A), Timeout);
        await bothSeen.Task.WaitAsync(Timeout);
        pair.Server.Close();

        await Assert.ThrowsAsync<IOException>(() => one.WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => two.WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => pair.Client.RequestAsync(new GetPiece(A, 3), Timeout).WaitAsync(Timeout));
        Assert.True(pair.Client.Closed.IsCancellationRequested);
        await clientLoop.WaitAsync(Timeout); // a clean close ends the read loop without an error
        await serverLoop.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task Closing_our_own_side_fails_pending_requests_with_IOException()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = pair.Server.RunAsync((incoming, _) =>
        {
            incoming.Dispose();
            seen.TrySetResult();
            return Task.CompletedTask;
        }, Idle);
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);

        var pending = pair.Client.RequestAsync(new GetPiece(A, 1), Timeout);
        await seen.Task.WaitAsync(Timeout);
        pair.Client.Close();
        pair.Client.Close(); // idempotent

        await Assert.ThrowsAsync<IOException>(() => pending.WaitAsync(Timeout));
        await clientLoop.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Fact]
    public async Task A_request_still_waiting_to_be_sent_when_the_channel_closes_fails_with_IOException_not_a_cancellation()
    {
        // A holder that says bye closes the channel while our next request waits its turn to be sent; a
        // cancellation there looked like the caller's own stop, and a download waited for a connection that was gone.
        await using var pair = await ChannelPair.ConnectAsync();
        var clientLoop = pair.Client.RunAsync(Ignore, Idle);
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowSend = pair.Client.ReplyAsync(new GetPiece(A, 0) { RequestId = 7 }, new PieceReply(A, 0), 100, async (head, token) =>
        {
            sending.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, token); // holds the send lock until the channel closes
        });
        await sending.Task.WaitAsync(Timeout);

        var waiting = pair.Client.RequestAsync(new GetPiece(A, 1), Timeout);
        pair.Client.Close();

        await Assert.ThrowsAsync<IOException>(() => waiting.WaitAsync(Timeout));
        await Assert.ThrowsAsync<IOException>(() => slowSend.WaitAsync(Timeout));
        await clientLoop.WaitAsync(Timeout).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16 * 1024)]
    [InlineData(16 * 1024 + 1)]
    [InlineData(4 * 1024 * 1024)]
    public async Task Payload_bytes_arrive_intact(int size)
    {
        await using var pair = await ChannelPair.ConnectAsync();
        byte[] payload = new byte[size];
        new Random(size).NextBytes(payload);
        _ = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                var request = Assert.IsType<GetPiece>(incoming.Message);
                await pair.Server.ReplyAsync(request, new PieceReply(request.File, request.Piece), payload, ct);
            }
        }, Idle);
        _ = pair.Client.RunAsync(Ignore, Idle);

        var (reply, raw) = await pair.Client.RequestAsync<PieceReply>(new GetPiece(B, 9), Timeout).WaitAsync(Timeout);
        using (raw)
        {
            Assert.Equal((B, 9), (reply.File, reply.Piece));
            Assert.Equal(size, raw.Payload.Length);
            Assert.True(payload.AsSpan().SequenceEqual(raw.Payload.Span), $"payload of {size} bytes differs");
        }
    }

    [Fact]
    public async Task Either_side_may_ask_the_other_on_one_connection()
    {
        // The tracker pushes refresh to a peer over the connection the peer opened.
        await using var pair = await ChannelPair.ConnectAsync();
        _ = pair.Client.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
            {
                var refresh = Assert.IsType<Refresh>(incoming.Message);
                await pair.Client.ReplyAsync(refresh, new Announce([new FileEntry(A, "a b", 1, 1, null)]), default, ct);
            }
        }, Idle);
        _ = pair.Server.RunAsync(async (incoming, ct) =>
        {
            using (incoming)
                await pair.Server.ReplyAsync(incoming.Message, new FileList([]), default, ct);
        }, Idle);

        var fromServer = pair.Server.RequestAsync<Announce>(new Refresh(), Timeout);
        var fromClient = pair.Client.RequestAsync<FileList>(new ListFiles(), Timeout);

        var (announce, rawAnnounce) = await fromServer.WaitAsync(Timeout);
        rawAnnounce.Dispose();
        Assert.Equal("a b", Assert.Single(announce.Files).Name);
        var (files, rawFiles) = await fromClient.WaitAsync(Timeout);
        rawFiles.Dispose();
        Assert.Empty(files.Files);
    }

    [Fact]
    public async Task Notifications_reach_the_handler_in_order()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var got = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = pair.Server.RunAsync((incoming, _) =>
        {
            using (incoming)
                got.Enqueue(Assert.IsType<HavePiece>(incoming.Message).Piece);
            if (got.Count == 50)
                done.SetResult();
            return Task.CompletedTask;
        }, Idle);

        for (int i = 0; i < 50; i++)
            await pair.Client.SendAsync(new HavePiece(A, i)).WaitAsync(Timeout);
        await done.Task.WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 50), got);
    }

    [Fact]
    public async Task Receive_times_out_with_TimeoutException_when_nothing_arrives()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => pair.Server.ReceiveAsync(TimeSpan.FromMilliseconds(100)).WaitAsync(Timeout));
    }

    [Fact]
    public async Task Read_loop_fails_with_ProtocolException_on_a_malformed_frame_and_closes()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var loop = pair.Server.RunAsync(Ignore, Idle);
        await pair.ClientSocket.GetStream().WriteAsync(P2PShare.Protocol.Framing.FrameWriter.Encode("type::ok;re::1", []));
        await Assert.ThrowsAsync<ProtocolException>(() => loop.WaitAsync(Timeout));
        Assert.True(pair.Server.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Read_loop_refuses_an_oversized_frame_from_the_wire()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var loop = pair.Server.RunAsync(Ignore, Idle);
        await pair.ClientSocket.GetStream().WriteAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 10 });
        var e = await Assert.ThrowsAsync<ProtocolException>(() => loop.WaitAsync(Timeout));
        Assert.Contains("4294967295", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_over_the_header_limit_fails_its_send_and_the_channel_goes_on()
    {
        await using var pair = await ChannelPair.ConnectAsync(ProtocolLimits.Default with { MaxHeaderLength = 200 });
        var got = new TaskCompletionSource<HavePiece>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = pair.Server.RunAsync((incoming, _) =>
        {
            using (incoming)
                got.TrySetResult(Assert.IsType<HavePiece>(incoming.Message));
            return Task.CompletedTask;
        }, Idle);

        // Refused as a failed send (the task), not thrown at the call, and nothing reaches the wire.
        var refused = pair.Client.SendAsync(new ListFiles(new string('x', 500)));
        var e = await Assert.ThrowsAsync<ProtocolException>(() => refused.WaitAsync(Timeout));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);

        await pair.Client.SendAsync(new HavePiece(A, 3)).WaitAsync(Timeout);
        Assert.Equal(3, (await got.Task.WaitAsync(Timeout)).Piece);
    }
}
