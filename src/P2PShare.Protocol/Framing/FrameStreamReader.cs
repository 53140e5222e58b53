using System.Runtime.CompilerServices;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// Reads one connection's frames in turn, as <see cref="FrameReader.ReadAsync"/> does, but with one
/// prefix buffer and one frame-deadline timer for the whole connection instead of new ones per
/// frame: a tracker reads thousands of frames a second, and each timer and token source was garbage
/// whose collection paused every client. One read at a time, as a stream allows. Does not own the stream.
/// </summary>
public sealed class FrameStreamReader : IDisposable
{
    private readonly Stream _stream;
    private readonly ProtocolLimits _limits;
    private readonly byte[] _prefix = new byte[FrameLayout.PrefixLength];
    private CancellationTokenSource _deadline = new();

    /// <summary>Reads from <paramref name="stream"/> within <paramref name="limits"/>.</summary>
    public FrameStreamReader(Stream stream, ProtocolLimits limits)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    /// <summary>The next frame, with the same results and exceptions as <see cref="FrameReader.ReadAsync"/>.</summary>
    // Pooled: every read waits for the peer, so an unpooled state machine would be one more object per frame.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        int got = await _stream.ReadAtLeastAsync(_prefix, 1, throwOnEndOfStream: false, cancellationToken);
        if (got == 0)
            return null;
        if (_deadline.IsCancellationRequested)
        {
            // Spent by an earlier frame that timed out or was cancelled; the caller chose to read on.
            _deadline.Dispose();
            _deadline = new CancellationTokenSource();
        }
        // From its first byte on, the rest of the frame has FrameTimeout to arrive, however long the idle
        // timeout: a client that sends half a frame and stops must not hold its connection slot.
        _deadline.CancelAfter(_limits.FrameTimeout);
        // The caller's token reaches the rest of the frame through the deadline. Its source keeps the
        // freed registration for the next frame, so this allocates nothing after the first.
        var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _deadline);
        try
        {
            return await FrameReader.ReadRestAsync(_stream, _prefix, got, _limits, _deadline.Token);
        }
        catch (OperationCanceledException) when (_deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the rest of a frame did not arrive within {_limits.FrameTimeout.TotalSeconds:0.#} s of its first byte");
        }
        finally
        {
            link.Dispose();
            _deadline.CancelAfter(Timeout.Infinite);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _deadline.Dispose();
}
