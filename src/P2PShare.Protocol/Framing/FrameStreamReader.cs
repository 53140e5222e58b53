using System.Runtime.CompilerServices;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// Reads one connection's frames in turn, checking every length before allocating for it, with one
/// prefix buffer and one frame-deadline timer for the whole connection instead of new ones per
/// frame: a tracker reads thousands of frames a second, and each timer and token source was garbage
/// whose collection paused every client. One read at a time, as a stream allows. Does not own the stream.
/// </summary>
public sealed class FrameStreamReader : IDisposable
{
    private readonly Stream _stream;
    private readonly ProtocolLimits _limits;
    private readonly FrameMemoryBudget? _budget;
    private readonly TimeProvider _clock;
    private readonly byte[] _prefix = new byte[FrameLayout.PrefixLength];
    private CancellationTokenSource _deadline;

    /// <summary>
    /// Reads from <paramref name="stream"/> within <paramref name="limits"/>, charging frame buffers to
    /// <paramref name="budget"/> when there is one, and timing <see cref="ProtocolLimits.FrameTimeout"/>
    /// by <paramref name="clock"/> (the system clock unless a test brings its own).
    /// </summary>
    public FrameStreamReader(Stream stream, ProtocolLimits limits, FrameMemoryBudget? budget = null, TimeProvider? clock = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
        _budget = budget;
        _clock = clock ?? TimeProvider.System;
        _deadline = NewDeadline();
    }

    /// <summary>
    /// While true, frames longer than <see cref="ProtocolLimits.MaxHandshakeFrameLength"/> are refused:
    /// before the other side has proved anything, it may not make us hold more than a handshake needs.
    /// </summary>
    public bool BeforeHandshake { get; set; }

    /// <summary>Told how many bytes of a frame's body are still missing (see <see cref="IReceiveHint"/>); null: nothing is told.</summary>
    public IReceiveHint? ReceiveHint { get; set; }

    /// <summary>
    /// Reads the next frame. Returns null when the stream ends cleanly between frames; throws
    /// <see cref="EndOfStreamException"/> when it ends inside one and <see cref="ProtocolException"/>
    /// for a malformed frame, <see cref="TimeoutException"/> when a frame, once begun, does not complete
    /// within <see cref="ProtocolLimits.FrameTimeout"/>. Cancel <paramref name="cancellationToken"/> to time the wait for a frame out.
    /// </summary>
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
            _deadline = NewDeadline();
        }
        // From its first byte on, the rest of the frame has FrameTimeout to arrive, however long the idle
        // timeout: a client that sends half a frame and stops must not hold its connection slot.
        _deadline.CancelAfter(_limits.FrameTimeout);
        // The caller's token reaches the rest of the frame through the deadline. Its source keeps the
        // freed registration for the next frame, so this allocates nothing after the first.
        var link = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _deadline);
        try
        {
            var rules = BeforeHandshake
                ? new FrameRules(_limits, Math.Min(_limits.MaxHandshakeFrameLength, _limits.MaxFrameLength), " allowed before the handshake completes", _budget)
                : new FrameRules(_limits, _limits.MaxFrameLength, null, _budget);
            return await FrameReader.ReadRestAsync(_stream, _prefix, got, rules, ReceiveHint, _deadline.Token);
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

    // The deadline's timer comes from the clock, so a test's fake clock decides when a frame is late.
    private CancellationTokenSource NewDeadline() => new(Timeout.InfiniteTimeSpan, _clock);
}
