using System.Net.Sockets;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Protocol.Tests.Rpc;

/// <summary>The one list of what a failed connection throws, and what it must not swallow.</summary>
public sealed class ConnectionFaultsTests
{
    public static TheoryData<Exception> Faults() => new()
    {
        new IOException("reset"),
        new EndOfStreamException("closed inside a frame"),
        new SocketException((int)SocketError.ConnectionReset),
        new TimeoutException("silent"),
        new ProtocolException("malformed"),
        new ObjectDisposedException("channel"),
    };

    public static TheoryData<Exception> NotFaults() => new()
    {
        new OperationCanceledException(),
        new ArgumentException("a bug"),
        new InvalidOperationException("a bug"),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void What_a_broken_or_hostile_connection_throws_is_a_fault(Exception e) =>
        Assert.True(ConnectionFaults.IsFault(e), e.GetType().Name);

    [Theory]
    [MemberData(nameof(NotFaults))]
    public void Cancellation_and_bugs_are_not_connection_faults(Exception e) =>
        Assert.False(ConnectionFaults.IsFault(e), e.GetType().Name);

    [Fact]
    public void A_reset_an_abort_or_a_broken_pipe_is_the_other_side_going_away_and_other_faults_are_not()
    {
        Assert.True(ConnectionFaults.IsEndedByOtherSide(new SocketException((int)SocketError.ConnectionReset)));
        Assert.True(ConnectionFaults.IsEndedByOtherSide(new SocketException((int)SocketError.ConnectionAborted)));
        Assert.True(ConnectionFaults.IsEndedByOtherSide(new IOException("Broken pipe", new SocketException((int)SocketError.Shutdown))));

        Assert.False(ConnectionFaults.IsEndedByOtherSide(new ProtocolException("malformed")));
        Assert.False(ConnectionFaults.IsEndedByOtherSide(new TimeoutException("silent")));
        Assert.False(ConnectionFaults.IsEndedByOtherSide(new IOException("the disk")));
        Assert.False(ConnectionFaults.IsEndedByOtherSide(new SocketException((int)SocketError.TimedOut)));
    }
}
