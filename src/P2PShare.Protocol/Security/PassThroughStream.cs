namespace P2PShare.Protocol.Security;

/// <summary>
/// The shape every stream laid over a connection's stream shares here: it reads and writes, and has no
/// length or position to seek.
/// </summary>
internal abstract class PassThroughStream : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
